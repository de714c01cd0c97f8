"""The training step as a CUDA graph: the GPU fast path of ``fit`` (chapter 8, "How labfns differs").

On a GPU the slides' network is tiny: one step of batch 256 is a few dozen small kernels, and launching them
one by one from Python costs more than running them. A CUDA graph records the whole step once — forward,
loss, backward, RMSprop update, running sums — and then replays it with one launch per step. The arithmetic
is that of :class:`labfns.train.TrainStep`; only the launching changes. On the CPU nothing here is used;
``labfns.train.CUDA_GRAPHS = False`` turns it off on a GPU too (for comparison).
"""

from __future__ import annotations

import torch

from .train import TrainStep


class CUDAGraphStep(TrainStep):
    """:class:`~labfns.train.TrainStep` recorded as a CUDA graph for full batches, replayed each step.

    The recorded step reads its batch through a fixed index tensor, so a replay only needs the new indices
    copied in. A last, shorter batch runs the ordinary step. Recording needs a few warm-up steps; their
    updates to the weights and to the optimizer's state are undone before training starts (the optimizer's
    state must start at zero, as RMSprop's, Adam's and SGD's do).
    """

    def __init__(self, model, opt, x, y, batch_size):
        super().__init__(model, opt, x, y, batch_size)
        self.batch_size = batch_size
        self.idx = torch.arange(batch_size, device=x.device)
        weights = {k: v.clone() for k, v in model.state_dict().items()}
        side = torch.cuda.Stream()  # warm-up runs on a side stream, as torch.cuda.graph requires
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(3):
                super().__call__(self.idx)
        torch.cuda.current_stream().wait_stream(side)
        opt.zero_grad(set_to_none=True)  # the graph allocates the gradients it writes ...
        self.zero_to_none = False  # ... and keeps them: a short batch zeroes them in place
        self.graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(self.graph):
            super().__call__(self.idx)
        with torch.no_grad():  # undo the warm-up and recording steps
            model.load_state_dict(weights)
            for state in opt.state.values():
                for value in state.values():
                    if torch.is_tensor(value):
                        value.zero_()
        self.reset()

    def __call__(self, idx):
        if len(idx) == self.batch_size:
            self.idx.copy_(idx)
            self.graph.replay()
        else:
            super().__call__(idx)
