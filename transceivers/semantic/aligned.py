"""`aligned`: absolute latents mapped tx → rx by a linear map fitted on semantic pilots."""

import torch

from .base import SEMANTIC_EQUALIZERS, SemanticEqualizer


@SEMANTIC_EQUALIZERS.register("aligned")
class AlignedEqualizer(SemanticEqualizer):
    r"""Linear latent-space alignment (Sana & Strinati style baseline).

    The transmitter sends its K anchor latents once (semantic pilots; their channel
    uses are counted once per study in ``setup_channel_uses``); the receiver fits
    ``Z_rx ≈ [Z_tx, 1] W`` by ridge regression on the L2-normalised pairs and then
    decodes every received absolute latent through ``W`` and its own absolute head.

    :param ridge: relative ridge weight (default 1e-2); needed near K ≈ d_tx.
    """

    message = "absolute"

    def __init__(self, link, ridge: float = 1e-2, **settings):
        super().__init__(link)
        x = torch.nn.functional.normalize(link.anchors(link.tx).double(), dim=-1)
        y = torch.nn.functional.normalize(link.anchors(link.rx).double(), dim=-1)
        x1 = torch.cat([x, torch.ones(len(x), 1, dtype=x.dtype)], dim=1)
        gram = x1.T @ x1
        lam = ridge * torch.trace(gram) / gram.shape[0]
        reg = lam * torch.eye(gram.shape[0], dtype=gram.dtype)
        reg[-1, -1] = 0.0   # the bias is not shrunk
        self.weight = torch.linalg.solve(gram + reg, x1.T @ y).float()
        self.head = link.absolute_head(link.rx)

    def setup_symbols(self) -> int:
        return self.link.num_anchors * ((self.link.tx.latent_dim + 1) // 2)

    def __call__(self, message):
        x = torch.nn.functional.normalize(message, dim=-1, eps=1e-12)
        z_rx = x @ self.weight[:-1] + self.weight[-1]
        return self.head(z_rx)
