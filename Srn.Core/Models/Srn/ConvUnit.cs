using Srn.Torch;
using Srn.Torch.NN;

namespace Srn.Models;

/// <summary>A convolution, optionally followed by batch norm, and optionally by ReLU: the unit SRN's branches are built of.</summary>
internal sealed class ConvUnit : Module<Tensor, Tensor>
{
    private readonly bool relu;

    public ConvUnit(long input, long output, long kernel, long padding = 0, long groups = 1, bool batchNorm = false, bool relu = true)
    {
        this.relu = relu;
        Conv = RegisterModule("conv", new Conv2d(input, output, kernel, padding: padding, groups: groups, bias: !batchNorm));
        Bn = batchNorm ? RegisterModule("bn", new BatchNorm2d(output)) : null;
    }

    public Conv2d Conv { get; }

    public BatchNorm2d? Bn { get; }

    protected override Tensor ForwardCore(Tensor input)
    {
        var y = Conv.Forward(input);
        if (Bn is not null)
        {
            using var c = y;
            y = Bn.Forward(c);
        }

        if (relu)
        {
            y.Relu_();
        }

        return y;
    }
}
