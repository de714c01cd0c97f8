"""The training step as a CUDA graph: the GPU fast path of ``fit`` (chapter 5).

On a GPU the slides' network is tiny: one step of batch 256 is a few dozen small kernels, and launching them
one by one from Python costs more than running them. A CUDA graph records the whole step once — forward,
loss, backward, the optimizer's update — and then replays it with one launch per step. The arithmetic is
that of :func:`labfns.train.train_step`; only the launching changes. ``fit(..., cuda_graphs=None)`` uses it
wherever the device is a CUDA GPU and the optimizer can be recorded (``capturable``); on the CPU nothing
here runs.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

__all__ = ["CUDAGraphStep"]


class CUDAGraphStep:
    """A drop-in for :func:`labfns.train.train_step` (``train_epoch(..., step=CUDAGraphStep(256))``).

    The first full batch takes an ordinary step, which also creates the optimizer's state. Then the step
    is recorded: a few warm-up steps on a side stream (as ``torch.cuda.graph`` requires) and the capture
    itself, after which the weights and the optimizer's state are put back, in place, to copies taken before
    the warm-up, so that recording changes nothing (whatever state the optimizer keeps, ASGD's included).
    Every later full batch is copied into the recorded step's input and replayed. A shorter last batch takes
    an ordinary step on the same tensors.
    """

    def __init__(self, batch_size: int, warmup: int = 3):
        self.batch_size = batch_size
        self.warmup = warmup
        self.graph = None

    def __call__(self, model, optimizer, xb, yb, loss_fn=F.cross_entropy):
        if len(xb) != self.batch_size:  # a shorter last batch
            return self._eager(model, optimizer, xb, yb, loss_fn)
        if self.graph is None:
            result = self._eager(model, optimizer, xb, yb, loss_fn)
            self._record(model, optimizer, xb, yb, loss_fn)
            return result
        self.xb.copy_(xb)
        self.yb.copy_(yb)
        self.graph.replay()
        return self.loss.clone(), self.out  # the caller reads out before the next replay overwrites it

    def _eager(self, model, optimizer, xb, yb, loss_fn):
        """train_step, keeping the gradients' tensors: once recorded, the graph writes into them."""
        out = model(xb)
        loss = loss_fn(out, yb)
        optimizer.zero_grad(set_to_none=self.graph is None)
        loss.backward()
        optimizer.step()
        return loss.detach(), out

    def _record(self, model, optimizer, xb, yb, loss_fn):
        weights = {k: v.detach().clone() for k, v in model.state_dict().items()}
        state = {
            p: {k: v.clone() if torch.is_tensor(v) else v for k, v in s.items()}
            for p, s in optimizer.state.items()
        }
        self.xb, self.yb = xb.clone(), yb.clone()
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(self.warmup):
                self._eager(model, optimizer, self.xb, self.yb, loss_fn)
        torch.cuda.current_stream().wait_stream(side)
        optimizer.zero_grad(set_to_none=True)  # the graph allocates the gradients it writes, and keeps them
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            out = model(self.xb)
            loss = loss_fn(out, self.yb)
            loss.backward()
            optimizer.step()
        self.out, self.loss = out.detach(), loss.detach()
        with torch.no_grad():  # undo the warm-up steps, in place: the graph reads these very tensors
            for name, value in model.state_dict().items():
                value.copy_(weights[name])
            for p, saved in state.items():
                for key, value in saved.items():
                    current = optimizer.state[p][key]
                    if torch.is_tensor(current):
                        current.copy_(value)
                    else:
                        optimizer.state[p][key] = value
        self.graph = graph
