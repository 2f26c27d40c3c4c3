"""Golden fixtures for Srn.PartialLabels' shared SSGRL network and contrastive term (ssgrl.safetensors).

A small PyTorch re-implementation of HCPLab-SYSU/HCP-MLR-PL's SemanticDecoupling, GatedGNN, head (fc + Element_Wise_Layer)
and ContrastiveLoss, written in the reference's own style (repeat/view over [B, H, W, C, D]), at tiny sizes:
B = 2, C = 4, D = 16, d = 8, I = 12, HW = 3 x 3, O = 16, layer4 channels 32 (6 x 6 before the 2 x 2 pooling).

Layout, for a case NAME:
  NAME/sd/<key>      the module's weights under Srn's state-dict names
  NAME/in/<name>     inputs;  NAME/out/<name> outputs;  NAME/gout/<name> upstream gradient of a float output
  NAME/grad/<name>   gradient of an input;  NAME/pgrad/<key> gradient of a parameter
  NAME/after/<key>   buffers after the forward pass (batch-norm statistics)
Run with /usr/bin/python3 (torch 1.13) from this folder.
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import save_safetensors  # noqa: E402

B, C, D, WD, I, S, O, CIN = 2, 4, 16, 8, 12, 3, 16, 32
OUT = {}


class RefSemanticDecoupling(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(D, I, bias=False)
        self.fc2 = nn.Linear(WD, I, bias=False)
        self.fc3 = nn.Linear(I, I)
        self.fc4 = nn.Linear(I, 1)

    def forward(self, fmap, words):
        # fmap [B, D, S, S] -> [B, S, S, D], as the reference
        b = fmap.size(0)
        fmap = torch.transpose(torch.transpose(fmap, 1, 2), 2, 3)
        img = self.fc1(fmap.contiguous().view(b * S * S, -1)).view(b * S * S, 1, -1).repeat(1, C, 1)
        word = self.fc2(words).view(1, C, I).repeat(b * S * S, 1, 1)
        feature = self.fc3(torch.tanh(img * word).view(-1, I))
        coef = self.fc4(feature)
        coef = torch.transpose(torch.transpose(coef.view(b, S, S, C), 2, 3), 1, 2).reshape(b, C, -1)
        coef = F.softmax(coef, dim=2)
        coef = coef.view(b, C, S, S)
        coef = torch.transpose(torch.transpose(coef, 1, 2), 2, 3)            # [B, S, S, C]
        coef5 = coef.reshape(b, S, S, C, 1).repeat(1, 1, 1, 1, D)
        fwc = fmap.reshape(b, S, S, 1, D).repeat(1, 1, 1, C, 1) * coef5       # [B, S, S, C, D]
        semantic = torch.sum(torch.sum(fwc, 1), 1)                            # [B, C, D]
        return semantic, fwc, coef


class RefGatedGNN(nn.Module):
    def __init__(self, adjacency, steps=3):
        super().__init__()
        self.steps = steps
        self.register_buffer("inMatrix", adjacency.clone())
        self.register_buffer("outMatrix", adjacency.t().contiguous())
        self.fc_1_w, self.fc_1_u = nn.Linear(2 * D, D), nn.Linear(D, D)
        self.fc_2_w, self.fc_2_u = nn.Linear(2 * D, D), nn.Linear(D, D)
        self.fc_3_w, self.fc_3_u = nn.Linear(2 * D, D), nn.Linear(D, D)

    def forward(self, nodes):
        b, n = nodes.size(0), self.inMatrix.size(0)
        inm = self.inMatrix.repeat(b, 1).view(b, n, -1)
        outm = self.outMatrix.repeat(b, 1).view(b, n, -1)
        for _ in range(self.steps):
            a = torch.cat((torch.bmm(inm, nodes), torch.bmm(outm, nodes)), 2).contiguous().view(b * n, -1)
            flat = nodes.view(b * n, -1)
            z = torch.sigmoid(self.fc_1_w(a) + self.fc_1_u(flat))
            r = torch.sigmoid(self.fc_2_w(a) + self.fc_2_u(flat))
            h = torch.tanh(self.fc_3_w(a) + self.fc_3_u(r * flat))
            flat = (1 - z) * flat + z * h
            nodes = flat.view(b, n, -1)
        return nodes


class RefElementWise(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(C, O).uniform_(-O ** -0.5, O ** -0.5))
        self.bias = nn.Parameter(torch.empty(C).uniform_(-O ** -0.5, O ** -0.5))

    def forward(self, x):
        return torch.sum(x * self.weight, 2) + self.bias


class RefHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2 * D, O)
        self.classifiers = RefElementWise()

    def forward(self, hidden, vectors):
        b = hidden.size(0)
        out = torch.tanh(self.fc(torch.cat((hidden.view(b * C, -1), vectors.view(-1, D)), 1)))
        return self.classifiers(out.contiguous().view(b, C, O))


class RefNetwork(nn.Module):
    """Everything after layer4, with Srn's child names."""

    def __init__(self, adjacency):
        super().__init__()
        self.changeChannel = nn.Sequential(nn.Conv2d(CIN, D, 1, bias=False), nn.BatchNorm2d(D))
        self.wordFeatures = nn.Parameter(torch.randn(C, WD))
        self.SemanticDecoupling = RefSemanticDecoupling()
        self.GraphNeuralNetwork = RefGatedGNN(adjacency)
        self.head = RefHead()
        self.pool = nn.AvgPool2d(2, stride=2)

    def forward(self, layer4):
        fmap = self.changeChannel(self.pool(layer4))
        semantic, fwc, coef = self.SemanticDecoupling(fmap, self.wordFeatures)
        logits = self.head(self.GraphNeuralNetwork(semantic), semantic)
        return logits, semantic, to_maps(fwc), to_attention(coef)


def to_maps(fwc):          # [B, S, S, C, D] -> [B, C, HW, D]
    return fwc.reshape(fwc.size(0), S * S, C, D).permute(0, 2, 1, 3).contiguous()


def to_attention(coef):    # [B, S, S, C] -> [B, C, HW]
    return coef.reshape(coef.size(0), S * S, C).permute(0, 2, 1).contiguous()


def to_feature_map(features):  # [B, HW, D] -> [B, D, S, S], row-major positions
    return features.transpose(1, 2).reshape(features.size(0), D, S, S)


def adjacency_of(labels):
    """get_graph_file of the reference, with the zero row it means to give classes without a known positive."""
    graph = torch.zeros(C, C, dtype=torch.float64)
    for row in labels:
        idx = (row == 1).nonzero().flatten()
        for i in idx:
            for j in idx:
                graph[i, j] += 1
    for i in range(C):
        graph[i] = graph[i] / graph[i, i].item()
    return torch.nan_to_num(graph, nan=0.0).float()


def record(name, module, inputs, outputs, gen, weights=None):
    """Stores weights (as they were before the forward pass), inputs, outputs, upstream gradients and all gradients."""
    for k, v in (weights or module.state_dict()).items():
        OUT[f"{name}/sd/{k}"] = v.detach().clone()
    for k, v in inputs.items():
        OUT[f"{name}/in/{k}"] = v.detach().clone()
    total = 0
    for k, v in outputs.items():
        OUT[f"{name}/out/{k}"] = v.detach().clone()
        g = torch.randn(v.shape, generator=gen)
        OUT[f"{name}/gout/{k}"] = g
        total = total + (v * g).sum()
    total.backward()
    for k, v in inputs.items():
        if v.requires_grad:
            OUT[f"{name}/grad/{k}"] = v.grad.detach().clone()
    for k, p in module.named_parameters():
        OUT[f"{name}/pgrad/{k}"] = p.grad.detach().clone()


def reference_contrastive(vectors, target, n_images, counts_only=False):
    """ContrastiveLoss of loss/SARB.py (reduce, size_average) for batches whose groups need no random choice."""
    idx = [[], []]
    for i in range(n_images - 1):
        idx[0] += [i] * (n_images - i - 1)
        idx[1] += list(range(i + 1, n_images))
    t = target.clone()
    t[t != 1] = 0
    pos2pos = t[idx[0]] * t[idx[1]]
    pos2neg = 1 - pos2pos
    pos2neg[(target[idx[0]] == 0) | (target[idx[1]] == 0)] = 0
    pos2neg[(target[idx[0]] == -1) & (target[idx[1]] == -1)] = 0
    t = -1 * target.clone()
    t[t != 1] = 0
    neg2neg = t[idx[0]] * t[idx[1]]
    distance = nn.CosineSimilarity(dim=2, eps=1e-9)(vectors[idx[0]], vectors[idx[1]])
    pp = (1 - distance)[pos2pos == 1]
    pn = (1 + distance)[pos2neg == 1]
    nn_ = (1 + distance)[neg2neg == 1]
    p = pp.size(0)
    if counts_only:
        return None, (p, pn.size(0), nn_.size(0))
    if p != 0:
        # With 2P >= group size the random part is the whole group (order does not change the mean).
        assert nn_.size(0) <= 2 * p and pn.size(0) <= 2 * p
        if nn_.size(0) != 0:
            nn_ = torch.cat((nn_, torch.sort(nn_, descending=True)[0][:p]), 0)
        if pn.size(0) != 0:
            pn = torch.cat((pn, torch.sort(pn, descending=True)[0][:p]), 0)
    return torch.mean(torch.cat((pp, pn, nn_), 0)), (pp.size(0), pn.size(0), nn_.size(0))


def main():
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(1)

    # Partial training labels: class 3 has no known positive (a zero row in A).
    labels = torch.tensor([[1, 1, 0, -1], [1, 0, 1, 0], [0, 1, 1, -1], [1, 1, 1, 0], [-1, 0, 1, 0], [1, -1, 0, -1]], dtype=torch.int8)
    adjacency = adjacency_of(labels)
    OUT["labels"] = labels
    OUT["adjacency"] = adjacency

    # 1. Semantic decoupling on features [B, HW, D] and embeddings [C, d].
    sd = RefSemanticDecoupling()
    features = torch.randn(B, S * S, D, generator=gen).requires_grad_(True)
    words = torch.randn(C, WD, generator=gen).requires_grad_(True)
    semantic, fwc, coef = sd(to_feature_map(features), words)
    record("decoupling", sd, {"features": features, "words": words},
           {"vectors": semantic, "maps": to_maps(fwc), "attention": to_attention(coef)}, gen)

    # 2. Gated GNN with that adjacency.
    gnn = RefGatedGNN(adjacency)
    nodes = torch.randn(B, C, D, generator=gen).requires_grad_(True)
    record("gnn", gnn, {"nodes": nodes}, {"hidden": gnn(nodes)}, gen)

    # 3. Head.
    head = RefHead()
    hidden = torch.randn(B, C, D, generator=gen).requires_grad_(True)
    vectors = torch.randn(B, C, D, generator=gen).requires_grad_(True)
    record("head", head, {"hidden": hidden, "vectors": vectors}, {"logits": head(hidden, vectors)}, gen)

    # 4. Everything after layer4, batch norm in training mode (batch statistics, running stats updated).
    net = RefNetwork(adjacency)
    with torch.no_grad():
        bn = net.changeChannel[1]
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.uniform_(-0.2, 0.2)
        bn.running_mean.uniform_(-0.1, 0.1)
        bn.running_var.uniform_(0.5, 1.5)
    net.train()
    layer4 = torch.randn(B, CIN, 2 * S, 2 * S, generator=gen).requires_grad_(True)
    before = {k: v.detach().clone() for k, v in net.state_dict().items()}
    logits, semantic, maps, attention = net(layer4)
    for k, v in net.state_dict().items():
        if "running" in k or "num_batches" in k:
            OUT[f"network/after/{k}"] = v.detach().clone()
    record("network", net, {"layer4": layer4},
           {"logits": logits, "vectors": semantic, "maps": maps, "attention": attention}, gen, weights=before)

    # 5. Contrastive term on 5 images: groups small enough that the reference's random part is the whole group.
    nb = 5
    cgen = torch.Generator().manual_seed(7)
    while True:
        target = torch.randint(-1, 2, (nb, C), generator=cgen).float()
        vecs = torch.randn(nb, C, D, generator=cgen)
        with torch.no_grad():
            _, (pp, pn, nn_) = reference_contrastive(vecs, target, nb, counts_only=True)
        if 0 < pp < pn <= 2 * pp and pp < nn_ <= 2 * pp:
            break
    vecs.requires_grad_(True)
    loss, counts = reference_contrastive(vecs, target, nb)
    OUT["contrastive/in/vectors"] = vecs.detach().clone()
    OUT["contrastive/in/targets"] = target
    OUT["contrastive/out/loss"] = loss.detach().clone()
    OUT["contrastive/out/counts"] = torch.tensor(counts, dtype=torch.int64)  # terms of each group after subsampling
    loss.backward()
    OUT["contrastive/grad/vectors"] = vecs.grad.detach().clone()

    save_safetensors(os.path.join(os.path.dirname(os.path.abspath(__file__)), "ssgrl.safetensors"), OUT,
                                {"torch": torch.__version__})
    print(f"ssgrl.safetensors: {len(OUT)} tensors; contrastive terms PP/PN/NN after subsampling = {counts}")


if __name__ == "__main__":
    main()
