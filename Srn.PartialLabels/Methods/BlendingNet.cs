using Srn.PartialLabels.Blending;
using Srn.PartialLabels.Network;
using Srn.Torch.NN;

namespace Srn.PartialLabels.Methods;

/// <summary>
/// The trainable whole of SSGRL, SARB and DSRB: the shared network (<c>net.</c>) and the learnable blending coefficients
/// (<c>instance.alpha</c>, <c>prototype.beta</c>), so one state dict and one optimizer cover them.
/// </summary>
public sealed class BlendingNet : Module
{
    internal BlendingNet(SsgrlNetwork net, InstanceBlending? instance, Module? prototype)
    {
        Net = RegisterModule("net", net);
        Instance = instance is null ? null : RegisterModule("instance", instance);
        Prototype = prototype is null ? null : RegisterModule("prototype", prototype);
    }

    /// <summary>The shared network.</summary>
    public SsgrlNetwork Net { get; }

    /// <summary>IPRB's blending (SARB, DSRB), or null.</summary>
    public InstanceBlending? Instance { get; }

    /// <summary>PPRB's <see cref="PrototypeBlending"/> (DSRB) or SARB's <see cref="SarbBlending"/>, or null.</summary>
    public Module? Prototype { get; }
}
