using Srn.PartialLabels.Network;
using Srn.PartialLabels.Transfer;
using Srn.Torch;
using Srn.Torch.NN;

namespace Srn.PartialLabels.Methods;

/// <summary>
/// The trainable whole of SST and HST: the shared network (<c>net.</c>), the co-occurrence branch (<c>cooccurrence.</c>),
/// SST's memory of known positives (<c>bank.features</c>, a buffer) and HST's margins (<c>intraMargin</c>,
/// <c>interMargin</c>, 0-d parameters, trained unless fixed), so one state dict and one optimizer cover them.
/// </summary>
public sealed class TransferNet : Module
{
    internal TransferNet(SsgrlNetwork net, CooccurrenceHead cooccurrence, PositiveFeatureBank? bank, (double Intra, bool LearnIntra, double Inter, bool LearnInter)? margins)
    {
        Net = RegisterModule("net", net);
        Cooccurrence = RegisterModule("cooccurrence", cooccurrence);
        Bank = bank is null ? null : RegisterModule("bank", bank);
        if (margins is { } m)
        {
            IntraMargin = RegisterParameter("intraMargin", Tensor.Full([], m.Intra))!;
            IntraMargin.RequiresGrad = m.LearnIntra;
            InterMargin = RegisterParameter("interMargin", Tensor.Full([], m.Inter))!;
            InterMargin.RequiresGrad = m.LearnInter;
        }
    }

    /// <summary>The shared network.</summary>
    public SsgrlNetwork Net { get; }

    /// <summary>The co-occurrence branch.</summary>
    public CooccurrenceHead Cooccurrence { get; }

    /// <summary>SST's memory of known positives, or null (HST).</summary>
    public PositiveFeatureBank? Bank { get; }

    /// <summary>HST's intra-image margin, a 0-d parameter, or null (SST: its margins follow a schedule).</summary>
    public Tensor? IntraMargin { get; }

    /// <summary>HST's cross-image margin, a 0-d parameter, or null.</summary>
    public Tensor? InterMargin { get; }
}
