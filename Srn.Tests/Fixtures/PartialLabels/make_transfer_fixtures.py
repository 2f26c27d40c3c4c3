"""Golden fixtures for Srn.PartialLabels' SST and HST (transfer.safetensors).

A PyTorch re-implementation of HCPLab-SYSU/HCP-MLR-PL's SST and HST parts, written in the reference's own style from
model/SST.py, model/HST.py, loss/SST.py, loss/HST.py, SST.py and HST.py (CPU instead of .cuda(), float instead of the
removed np.float), on the tiny network of make_ssgrl_fixtures.py (C = 4 classes, so P = 6 pairs, D = 16, d = 8, I = 12,
O = 16, a 3 x 3 grid), with a layer4 of 128 channels (resnet-small's) so that Srn's method can replay the steps:
  cooccurrence          the co-occurrence branch (intra_fc_1..3, intra_classifiers): pair logits and all gradients
  cooccurrence_loss     intraAsymmetricLoss(gamma_neg=2, gamma_pos=1): value and gradient
  sst_bank              SST.updateFeature twice from an empty memory (a class overflows it)
  sst_pseudo            SST's getIntraPseudoLabel / getInterPseudoLabel: the scores before the threshold (the cross-image ones
                        at unknown entries, 0 elsewhere) and the hard labels at margins inside the scores' range and at 1
  hst_pseudo            HST's soft getIntraPseudoLabel / getInterPseudoLabel, the completed targets, gradients to the
                        pair logits, the vectors and the margins
  prototype_contrastive HST's PrototypeContrastiveLoss: value and gradient
  sst_step, hst_step    everything after layer4 plus the co-occurrence branch, then the reference's whole training loss of
                        one batch at epoch generateLabelEpoch (>= 1, so no ramp), with the scripts' weights: each term,
                        the total, and the gradients of the layer4 input and of every parameter
Keys: NAME/sd/<key> weights (Srn's state-dict names), NAME/in/<name>, NAME/out/<name>, NAME/gout/<name> (upstream
gradients), NAME/grad/<name>, NAME/pgrad/<key>, NAME/after/<key>. HST's prototypes are float32 here (the reference's
k-means centres are float64 numpy arrays). Run with /usr/bin/python3 (torch 1.13) from this folder.
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)
from fixturelib import save_safetensors  # noqa: E402
from make_ssgrl_fixtures import (C, D, I, O, S, RefElementWise, RefGatedGNN, RefHead, RefSemanticDecoupling,  # noqa: E402
                                 WD, adjacency_of, reference_contrastive)

CIN = 128          # resnet-small's layer4 channels
P = C * (C - 1) // 2
OUT = {}


# ----------------------------------------------------------------------------------------------- the reference's parts
def get_concat_index(class_num):
    res = [[], []]
    for index in range(class_num - 1):
        res[0] += [index for i in range(class_num - index - 1)]
        res[1] += [i for i in range(index + 1, class_num)]
    return res


class RefPairClassifiers(RefElementWise):
    """Element_Wise_Layer(sum(range(C)), O): one linear per class pair."""

    def __init__(self):
        nn.Module.__init__(self)
        self.weight = nn.Parameter(torch.empty(P, O).uniform_(-O ** -0.5, O ** -0.5))
        self.bias = nn.Parameter(torch.empty(P).uniform_(-O ** -0.5, O ** -0.5))


class RefCooccurrence(nn.Module):
    """The 'Predict Co-occurrence' part of SST.forward / HST.forward."""

    def __init__(self):
        super().__init__()
        self.intraConcatIndex = get_concat_index(C)
        self.intra_fc_1 = nn.Linear(D, I)
        self.intra_fc_2 = nn.Linear(2 * I, O)
        self.intra_fc_3 = nn.Linear(O, O)
        self.intra_classifiers = RefPairClassifiers()
        self.relu = nn.ReLU(inplace=True)

    def forward(self, semanticFeature):
        intraFeature = self.intra_fc_1(semanticFeature)
        intraFeature = torch.cat((intraFeature[:, self.intraConcatIndex[0], :],
                                  intraFeature[:, self.intraConcatIndex[1], :]), 2)
        output = self.relu(self.intra_fc_2(intraFeature))
        output = self.intra_fc_3(output)
        return self.intra_classifiers(output)


class RefNet(nn.Module):
    """SSGRL's network after layer4 (make_ssgrl_fixtures.RefNetwork with a 128-channel layer4), Srn's child names."""

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
        semantic, _, _ = self.SemanticDecoupling(fmap, self.wordFeatures)
        return self.head(self.GraphNeuralNetwork(semantic), semantic), semantic


class RefTransfer(nn.Module):
    """SST / HST after layer4: (result, intraCoOccurrence, semanticFeature); HST adds its margins."""

    def __init__(self, adjacency, hst_margins=None):
        super().__init__()
        self.net = RefNet(adjacency)
        self.cooccurrence = RefCooccurrence()
        if hst_margins is not None:
            # HST: nn.Parameter(torch.tensor(1.00 if learnable else margin)); here the margin is the start value.
            self.intraMargin = nn.Parameter(torch.tensor(hst_margins[0]).float())
            self.interMargin = nn.Parameter(torch.tensor(hst_margins[1]).float())

    def forward(self, layer4):
        result, semantic = self.net(layer4)
        return result, self.cooccurrence(semantic), semantic


def update_feature(posFeature, feature, target, exampleNum):
    """SST.updateFeature (posFeature passed in instead of kept on the model)."""
    if posFeature is None:
        posFeature = torch.zeros((C, exampleNum, feature.size(-1)))
    posFeature = posFeature.clone()
    feature = feature.detach().clone()
    for c in range(C):
        pos = feature[:, c][target[:, c] == 1]
        posFeature[c] = torch.cat((pos, posFeature[c]), dim=0)[:exampleNum]
    return posFeature


def sst_intra_pseudo_label(intraCoOccurrence, target, margin):
    """loss/SST.py getIntraPseudoLabel."""
    batchSize, classNum = target.size(0), target.size(1)
    probCoOccurrence = torch.sigmoid(intraCoOccurrence)
    indexStart, indexEnd, pseudoLabel = 0, 0, torch.zeros((batchSize, classNum, classNum))
    for i in range(classNum):
        pseudoLabel[:, i, i] = 1
        indexStart = indexEnd
        indexEnd += classNum - i - 1
        pseudoLabel[:, i, i + 1:] = probCoOccurrence[:, indexStart:indexEnd]
        pseudoLabel[:, i + 1:, i] = probCoOccurrence[:, indexStart:indexEnd]
    target_ = target.detach().clone()
    target_[target_ != 1] = 0
    pseudoLabel = torch.sum(pseudoLabel * target_.view(batchSize, 1, classNum).repeat(1, classNum, 1), dim=2)
    pseudoLabel = pseudoLabel / torch.clamp(torch.sum(target_, dim=1), min=1).view(batchSize, 1).repeat(1, classNum)
    pseudoLabel = torch.clamp(pseudoLabel, min=-1, max=1)
    scores = pseudoLabel.detach().clone()
    pseudoLabel[pseudoLabel >= margin] = 1
    pseudoLabel[pseudoLabel <= margin] = 0
    pseudoLabel[target != 0] = 0
    pseudoLabel = target.detach().clone() + pseudoLabel
    return pseudoLabel, scores


def sst_inter_pseudo_label(feature, target, posFeature, margin):
    """loss/SST.py getInterPseudoLabel."""
    batchSize, classNum, featureDim = feature.size()
    exampleNum, pseudoLabel, cos = posFeature.size(1), target.detach().clone(), torch.nn.CosineSimilarity(dim=2, eps=1e-9)
    target = target.cpu()
    feature1 = feature[target == 0].view(-1, 1, featureDim).repeat(1, exampleNum, 1)
    feature2 = posFeature[np.where(target == 0)[1]]
    posDistance = torch.mean(cos(feature1, feature2), dim=1)
    scores = posDistance.detach().clone()
    posDistance[posDistance >= margin] = 1
    posDistance[posDistance <= margin] = 0
    pseudoLabel[target == 0] = posDistance
    return pseudoLabel, scores


def hst_intra_pseudo_label(intraCoOccurrence, target, margin):
    """loss/HST.py getIntraPseudoLabel."""
    batchSize, classNum = target.size(0), target.size(1)
    probCoOccurrence = torch.sigmoid(intraCoOccurrence)
    indexStart, indexEnd, pseudoLabel = 0, 0, torch.zeros((batchSize, classNum, classNum))
    for i in range(classNum):
        pseudoLabel[:, i, i] = 1
        indexStart = indexEnd
        indexEnd += classNum - i - 1
        pseudoLabel[:, i, i + 1:] = probCoOccurrence[:, indexStart:indexEnd]
        pseudoLabel[:, i + 1:, i] = probCoOccurrence[:, indexStart:indexEnd]
    target_ = target.detach().clone()
    target_[target_ != 1] = 0
    pseudoLabel = torch.sum(pseudoLabel * target_.view(batchSize, 1, classNum).repeat(1, classNum, 1), dim=2)
    pseudoLabel = pseudoLabel / torch.clamp(torch.sum(target_, dim=1), min=1).view(batchSize, 1).repeat(1, classNum)
    return torch.clamp(pseudoLabel - margin, min=0, max=1)


def hst_inter_pseudo_label(feature, target, posFeature, margin):
    """loss/HST.py getInterPseudoLabel."""
    cos = torch.nn.CosineSimilarity(dim=3, eps=1e-9)
    posFeature = posFeature.unsqueeze(0).repeat(feature.size(0), 1, 1, 1)
    posDistance = cos(feature.unsqueeze(2).repeat(1, 1, posFeature.size(2), 1), posFeature)
    return torch.clamp(torch.mean(posDistance, dim=2) - margin, min=0, max=1)


def hst_complete(target, pseudo):
    """HST.py: target + torch.eq(target, 0).float() * torch.where(pseudo.detach().clone() > 0, 1, 0)."""
    return target + torch.eq(target, 0).float() * torch.where(pseudo.detach().clone() > 0, torch.ones_like(target), torch.zeros_like(target))


def bce_loss(input, target, margin=0.0):
    """loss/SST.py BCELoss(margin, reduce=True, size_average=True)."""
    positive_mask = (target > margin).float()
    negative_mask = (target < -margin).float()
    positive_loss = nn.BCEWithLogitsLoss(reduction="none")(input, target)
    negative_loss = nn.BCEWithLogitsLoss(reduction="none")(-input, -target)
    loss = positive_mask * positive_loss + negative_mask * negative_loss
    return torch.mean(loss[(positive_mask > 0) | (negative_mask > 0)]) if torch.sum(positive_mask + negative_mask) != 0 else torch.mean(loss)


def intra_asymmetric_loss(input, target, gamma_neg=2, gamma_pos=1, clip=0.05, eps=1e-8):
    """loss/SST.py intraAsymmetricLoss(classNum, gamma_neg=2, gamma_pos=1, reduce=True, size_average=True)."""
    concatIndex = get_concat_index(target.size(1))
    target = target.cpu().data.numpy()
    target1, target2 = target[:, concatIndex[0]], target[:, concatIndex[1]]
    target1, target2 = (target1 > 0).astype(float), (target2 > 0).astype(float)
    target = torch.Tensor(target1 * target2)
    input_sigmoid = torch.sigmoid(input)
    input_sigmoid_pos = input_sigmoid
    input_sigmoid_neg = 1 - input_sigmoid
    if clip is not None and clip > 0:
        input_sigmoid_neg = (input_sigmoid_neg + clip).clamp(max=1)
    loss_pos = target * torch.log(input_sigmoid_pos.clamp(min=eps))
    loss_neg = (1 - target) * torch.log(input_sigmoid_neg.clamp(min=eps))
    loss = -1 * (loss_pos + loss_neg)
    if gamma_neg > 0 or gamma_pos > 0:
        prob = input_sigmoid_pos * target + input_sigmoid_neg * (1 - target)
        one_sided_gamma = gamma_pos * target + gamma_neg * (1 - target)
        one_sided_weight = torch.pow(1 - prob, one_sided_gamma)
        loss *= one_sided_weight
    return torch.mean(loss)


def prototype_contrastive_loss(input, target, prototype):
    """loss/HST.py PrototypeContrastiveLoss(reduce=True, size_average=True)."""
    cos = torch.nn.CosineSimilarity(dim=3, eps=1e-9)
    batchSize, prototypeNum = input.size(0), prototype.size(1)
    input = input.unsqueeze(2).repeat(1, 1, prototypeNum, 1)
    prototype = prototype.unsqueeze(0).repeat(batchSize, 1, 1, 1)
    distance = torch.mean(cos(input, prototype), 2)
    loss = distance * target.float() + 1
    return torch.mean(loss)


def contrastive(feature, target):
    """ContrastiveLoss of loss/SST.py (= loss/SARB.py); the batches here need no random choice."""
    loss, _ = reference_contrastive(feature, target, feature.size(0))
    return loss


# ------------------------------------------------------------------------------------------------------------- helpers
def put(name, kind, tensors):
    for k, v in tensors.items():
        OUT[f"{name}/{kind}/{k}"] = v.detach().clone()


def backward_with_random_upstream(name, outputs, gen):
    total = 0
    for k, v in outputs.items():
        g = torch.randn(v.shape, generator=gen)
        OUT[f"{name}/gout/{k}"] = g
        total = total + (v * g).sum()
    total.backward()


def contrastive_is_deterministic(target):
    with torch.no_grad():
        _, (pp, pn, nn_) = reference_contrastive(torch.randn(target.size(0), C, D), target, target.size(0), counts_only=True)
    return pp > 0 and pn <= 2 * pp and nn_ <= 2 * pp


def batch_targets(gen, b):
    """Targets whose contrastive term needs no random choice, with unknowns in every image and a known positive in most."""
    while True:
        target = torch.randint(-1, 2, (b, C), generator=gen).float()
        if contrastive_is_deterministic(target) and bool((target == 0).any(1).all()) and int((target == 1).any(1).sum()) >= b - 1:
            return target


def margin_between(scores, lo=0.3, hi=0.7):
    """A margin between two neighbouring scores near a quantile, at least 1e-3 away from every score (no borderline case)."""
    values = scores.flatten().unique().sort()[0]
    for q in np.linspace(lo, hi, 41):
        i = min(int(q * (values.numel() - 1)), values.numel() - 2)
        m = round(float(values[i] + values[i + 1]) / 2, 4)
        if (values - m).abs().min() > 1e-3:
            return m
    raise RuntimeError("no margin away from the scores")


def set_batch_norm(bn):
    with torch.no_grad():
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.uniform_(-0.2, 0.2)
        bn.running_mean.uniform_(-0.1, 0.1)
        bn.running_var.uniform_(0.5, 1.5)


# --------------------------------------------------------------------------------------------------------------- cases
def main():
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(2)

    labels = torch.tensor([[1, 1, 0, -1], [1, 0, 1, 0], [0, 1, 1, -1], [1, 1, 1, 0], [-1, 0, 1, 1], [1, -1, 0, 1]], dtype=torch.int8)
    adjacency = adjacency_of(labels)
    OUT["labels"] = labels

    # 1. Co-occurrence branch.
    head = RefCooccurrence()
    vectors = torch.randn(3, C, D, generator=gen).requires_grad_(True)
    put("cooccurrence", "sd", head.state_dict())
    put("cooccurrence", "in", {"vectors": vectors})
    pairs = head(vectors)
    put("cooccurrence", "out", {"pairs": pairs})
    backward_with_random_upstream("cooccurrence", {"pairs": pairs}, gen)
    put("cooccurrence", "grad", {"vectors": vectors.grad})
    put("cooccurrence", "pgrad", {k: p.grad for k, p in head.named_parameters()})

    # 2. Co-occurrence loss: every kind of pair (both known positive, one unknown, negatives), saturated logits too.
    target = torch.tensor([[1, 1, 0, -1], [1, 1, 1, 1], [0, 0, -1, 1], [-1, -1, -1, -1]]).float()
    q = (3 * torch.randn(4, P, generator=gen)).requires_grad_(True)
    with torch.no_grad():
        q[0, 0], q[1, 2], q[3, 5] = 30.0, -30.0, 25.0
    loss = intra_asymmetric_loss(q, target)
    loss.backward()
    put("cooccurrence_loss", "in", {"pairs": q, "targets": target})
    put("cooccurrence_loss", "out", {"loss": loss})
    put("cooccurrence_loss", "grad", {"pairs": q.grad})

    # 3. SST's memory: N = 3 slots, two batches; class 0 has 4 positives over them, class 3 none.
    feats1, feats2 = torch.randn(3, C, D, generator=gen), torch.randn(2, C, D, generator=gen)
    t1 = torch.tensor([[1, 0, -1, 0], [1, 1, 0, -1], [0, 1, 1, 0]]).float()
    t2 = torch.tensor([[1, -1, 1, 0], [1, 0, 0, -1]]).float()
    bank1 = update_feature(None, feats1, t1, 3)
    bank2 = update_feature(bank1, feats2, t2, 3)
    put("sst_bank", "in", {"vectors1": feats1, "targets1": t1, "vectors2": feats2, "targets2": t2})
    put("sst_bank", "out", {"bank1": bank1, "bank2": bank2})

    # 4. SST's hard pseudo labels. The memory holds noisy copies of some images' vectors (high similarity for some).
    b = 5
    target = batch_targets(gen, b)
    q = 2 * torch.randn(b, P, generator=gen)
    f = torch.randn(b, C, D, generator=gen)
    memory = torch.zeros(C, 4, D)
    memory[:, :3] = f[torch.randint(0, b, (3,), generator=gen)].transpose(0, 1) + 0.8 * torch.randn(C, 3, D, generator=gen)
    _, intra_scores = sst_intra_pseudo_label(q, target, 2.0)
    _, inter_scores = sst_inter_pseudo_label(f, target, memory, 2.0)
    m_intra, m_inter = margin_between(intra_scores), margin_between(inter_scores)
    intra, _ = sst_intra_pseudo_label(q, target, m_intra)
    inter, _ = sst_inter_pseudo_label(f, target, memory, m_inter)
    intra_one, _ = sst_intra_pseudo_label(q, target, 1.0)
    inter_one, _ = sst_inter_pseudo_label(f, target, memory, 1.0)
    assert bool((intra != target).any()) and bool((inter != target).any()), "some unknowns get a pseudo label"
    assert bool((intra_one == target).all()) and bool((inter_one == target).all()), "a margin of 1 gives none"
    put("sst_pseudo", "in", {"pairs": q, "targets": target, "vectors": f, "memory": memory,
                             "margins": torch.tensor([m_intra, m_inter], dtype=torch.float64)})
    inter_scores_full = torch.zeros(b, C)
    inter_scores_full[target == 0] = inter_scores                     # the reference scores unknown entries only
    put("sst_pseudo", "out", {"intra": intra, "inter": inter, "intra_at_1": intra_one, "inter_at_1": inter_one,
                              "intra_scores": intra_scores, "inter_scores": inter_scores_full})

    # 5. HST's soft pseudo labels, with gradients to the pair logits, the vectors and the margins.
    prototypes = f[torch.randint(0, b, (3,), generator=gen)].transpose(0, 1) + 0.8 * torch.randn(C, 3, D, generator=gen)
    with torch.no_grad():
        mi = margin_between(hst_intra_pseudo_label(q, target, 0.0), 0.2, 0.5)
        me = margin_between(hst_inter_pseudo_label(f, target, prototypes, 0.0), 0.2, 0.5)
    qh = q.clone().requires_grad_(True)
    fh = f.clone().requires_grad_(True)
    intra_margin = torch.tensor(mi).float().requires_grad_(True)
    inter_margin = torch.tensor(me).float().requires_grad_(True)
    intra_soft = hst_intra_pseudo_label(qh, target, intra_margin)
    inter_soft = hst_inter_pseudo_label(fh, target, prototypes, inter_margin)
    assert 0 < int((intra_soft > 0).sum()) < intra_soft.numel() and 0 < int((inter_soft > 0).sum()) < inter_soft.numel()
    put("hst_pseudo", "in", {"pairs": qh, "targets": target, "vectors": fh, "prototypes": prototypes,
                             "intra_margin": intra_margin, "inter_margin": inter_margin})
    outputs = {"intra": intra_soft, "inter": inter_soft}
    put("hst_pseudo", "out", dict(outputs, intra_target=hst_complete(target, intra_soft), inter_target=hst_complete(target, inter_soft)))
    backward_with_random_upstream("hst_pseudo", outputs, gen)
    put("hst_pseudo", "grad", {"pairs": qh.grad, "vectors": fh.grad, "intra_margin": intra_margin.grad, "inter_margin": inter_margin.grad})

    # 6. HST's prototype-level contrastive term.
    fp = f.clone().requires_grad_(True)
    loss = prototype_contrastive_loss(fp, target, prototypes)
    loss.backward()
    put("prototype_contrastive", "in", {"vectors": fp, "targets": target, "prototypes": prototypes})
    put("prototype_contrastive", "out", {"loss": loss})
    put("prototype_contrastive", "grad", {"vectors": fp.grad})

    # 7./8. One training step of each method after layer4, at epoch generateLabelEpoch >= 1.
    sst_step(adjacency, gen)
    hst_step(adjacency, gen)

    save_safetensors(os.path.join(HERE, "transfer.safetensors"), OUT, {"torch": torch.__version__})
    print(f"transfer.safetensors: {len(OUT)} tensors")


def trainable(model):
    return {k: p for k, p in model.named_parameters() if p.requires_grad}


def step_inputs(model, gen, b):
    set_batch_norm(model.net.changeChannel[1])
    model.train()
    layer4 = torch.randn(b, CIN, 2 * S, 2 * S, generator=gen).requires_grad_(True)
    return layer4, {k: v.detach().clone() for k, v in model.state_dict().items()}


def record_step(name, model, layer4, before, target, terms, extra_in):
    put(name, "sd", before)
    put(name, "in", dict(extra_in, layer4=layer4, targets=target))
    total = terms["total"]
    put(name, "out", terms)
    total.backward()
    put(name, "grad", {"layer4": layer4.grad})
    put(name, "pgrad", {k: p.grad for k, p in trainable(model).items()})
    put(name, "after", {k: v for k, v in model.state_dict().items() if "running" in k or "num_batches" in k})


def sst_step(adjacency, gen):
    """SST.py Train() for one batch: weights of scripts/SST.sh (intra BCE 1, co-occurrence 10, inter BCE 1, distance 0.05)."""
    b, n = 4, 3
    model = RefTransfer(adjacency)
    layer4, before = step_inputs(model, gen, b)
    target = batch_targets(gen, b)
    memory = torch.zeros(C, n, D)
    # The margins: picked from this batch's scores (the reference's 0.95 would give no pseudo label at random weights);
    # the memory's two filled slots are noisy copies of this batch's vectors, so that some similarities are high.
    with torch.no_grad():
        output, intraCoOccurrence, feature = model(layer4)
        memory[:, :2] = feature[torch.randint(0, b, (2,), generator=gen)].transpose(0, 1) + 0.5 * torch.randn(C, 2, D, generator=gen)
        posFeature = update_feature(memory, feature, target, n)
        _, intra_scores = sst_intra_pseudo_label(intraCoOccurrence, target, 2.0)
        _, inter_scores = sst_inter_pseudo_label(feature, target, posFeature, 2.0)
        m_intra, m_inter = margin_between(intra_scores[intra_scores > 0]), margin_between(inter_scores[inter_scores > 0])
    model.load_state_dict(before)

    output, intraCoOccurrence, feature = model(layer4)
    posFeature = update_feature(memory, feature, target, n)
    intraTarget, _ = sst_intra_pseudo_label(intraCoOccurrence, target, m_intra)
    interTarget, _ = sst_inter_pseudo_label(feature, target, posFeature, m_inter)
    assert bool((intraTarget != target).any()) and bool((interTarget != target).any())
    terms = {
        "classification": bce_loss(output, target),
        "intra": 1.0 * bce_loss(output, intraTarget, m_intra),
        "cooccurrence": 10.0 * intra_asymmetric_loss(intraCoOccurrence, target),
        "inter": 1.0 * bce_loss(output, interTarget, m_inter),
        "contrastive": 0.05 * contrastive(feature, target),
    }
    terms["total"] = terms["classification"] + terms["intra"] + terms["cooccurrence"] + terms["inter"] + terms["contrastive"]
    terms.update(logits=output, pairs=intraCoOccurrence, vectors=feature, memory_after=posFeature,
                 intra_target=intraTarget, inter_target=interTarget)
    record_step("sst_step", model, layer4, before, target, terms,
                {"memory": memory, "margins": torch.tensor([m_intra, m_inter], dtype=torch.float64)})


def hst_step(adjacency, gen):
    """HST.py Train() for one batch: weights of scripts/HST.sh (intra BCE 0.1, co-occurrence 10, inter BCE 0.1, 0.05, 0.05)."""
    b, k = 4, 3
    model = RefTransfer(adjacency, hst_margins=(0.0, 0.0))
    layer4, before = step_inputs(model, gen, b)
    target = batch_targets(gen, b)
    with torch.no_grad():
        output, intraCoOccurrence, feature = model(layer4)
        prototypes = feature[torch.randint(0, b, (k,), generator=gen)].transpose(0, 1) + 0.5 * torch.randn(C, k, D, generator=gen)
        mi = margin_between(hst_intra_pseudo_label(intraCoOccurrence, target, 0.0), 0.2, 0.5)
        me = margin_between(hst_inter_pseudo_label(feature, target, prototypes, 0.0), 0.2, 0.5)
        before["intraMargin"] = torch.tensor(mi).float()
        before["interMargin"] = torch.tensor(me).float()
    model.load_state_dict(before)

    output, intraCoOccurrence, feature = model(layer4)
    intraTarget = hst_intra_pseudo_label(intraCoOccurrence, target, model.intraMargin)
    _intraTarget = hst_complete(target, intraTarget)
    interTarget = hst_inter_pseudo_label(feature, target, prototypes, model.interMargin)
    _interTarget = hst_complete(target, interTarget)
    assert bool((_intraTarget != target).any()) and bool((_interTarget != target).any())
    terms = {
        "classification": bce_loss(output, target) + bce_loss(output, _intraTarget) + bce_loss(output, _interTarget),
        "intra": 0.1 * bce_loss(intraTarget, target),
        "cooccurrence": 10.0 * intra_asymmetric_loss(intraCoOccurrence, target),
        "inter": 0.1 * bce_loss(interTarget, target),
        "contrastive": 0.05 * contrastive(feature, target),
        "prototype": 0.05 * prototype_contrastive_loss(feature, target, prototypes),
    }
    terms["total"] = terms["classification"] + terms["intra"] + terms["cooccurrence"] + terms["inter"] + terms["contrastive"] + terms["prototype"]
    terms.update(logits=output, pairs=intraCoOccurrence, vectors=feature)
    record_step("hst_step", model, layer4, before, target, terms, {"prototypes": prototypes})


if __name__ == "__main__":
    main()
