using Srn.Torch;
using Srn.Torch.NN;

namespace Srn.Models;

/// <summary>
/// Forward helpers shared by the residual blocks. They dispose each intermediate as soon as the next op has
/// consumed it, so inference holds no more activations than PyTorch eager does (autograd keeps what it needs).
/// </summary>
internal static class BlockOps
{
    /// <summary>bn(conv(x)).</summary>
    public static Tensor ConvBn(Conv2d conv, BatchNorm2d bn, Tensor x)
    {
        using var c = conv.Forward(x);
        return bn.Forward(c);
    }

    /// <summary>relu(bn(conv(x))), the ReLU in place as torchvision's (inplace=True).</summary>
    public static Tensor ConvBnRelu(Conv2d conv, BatchNorm2d bn, Tensor x) => ConvBn(conv, bn, x).Relu_();

    /// <summary>f(x), disposing x afterwards.</summary>
    public static Tensor Then(Tensor x, Func<Tensor, Tensor> f)
    {
        try
        {
            return f(x);
        }
        finally
        {
            x.Dispose();
        }
    }

    /// <summary>relu(out + shortcut(x)) in place on <paramref name="residual"/>, as torchvision's <c>out += identity</c>.</summary>
    public static Tensor AddShortcut(Tensor residual, Module<Tensor, Tensor>? downsample, Tensor x)
    {
        if (downsample is null)
        {
            return residual.Add_(x).Relu_();
        }

        using var shortcut = downsample.Forward(x);
        return residual.Add_(shortcut).Relu_();
    }

    /// <summary>A 3x3 convolution without bias, padding = dilation. Same as torchvision's <c>conv3x3</c>.</summary>
    public static Conv2d Conv3x3(long inPlanes, long outPlanes, long stride = 1, long groups = 1, long dilation = 1) =>
        new(inPlanes, outPlanes, 3, stride, dilation, dilation, groups, bias: false);

    /// <summary>A 1x1 convolution without bias. Same as torchvision's <c>conv1x1</c>.</summary>
    public static Conv2d Conv1x1(long inPlanes, long outPlanes, long stride = 1) => new(inPlanes, outPlanes, 1, stride, bias: false);
}

/// <summary>
/// Two 3x3 convolutions with a shortcut: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)). Same as torchvision's
/// <c>BasicBlock</c> (expansion 1), with the same child names and construction order.
/// </summary>
public sealed class BasicBlock : Module<Tensor, Tensor>
{
    /// <summary>Output channels per unit of <c>planes</c>.</summary>
    public const long Expansion = 1;

    /// <summary>Creates the block. The downsample, if any, must already exist (torchvision builds it first).</summary>
    /// <param name="inPlanes">Input channels.</param>
    /// <param name="planes">Output channels.</param>
    /// <param name="stride">Stride of the first convolution.</param>
    /// <param name="downsample">Shortcut projection when shape changes, else null.</param>
    public BasicBlock(long inPlanes, long planes, long stride = 1, Sequential? downsample = null)
    {
        Conv1 = RegisterModule("conv1", BlockOps.Conv3x3(inPlanes, planes, stride));
        Bn1 = RegisterModule("bn1", new BatchNorm2d(planes));
        RegisterModule("relu", new ReLU(inplace: true));
        Conv2 = RegisterModule("conv2", BlockOps.Conv3x3(planes, planes));
        Bn2 = RegisterModule("bn2", new BatchNorm2d(planes));
        Downsample = downsample is null ? null : RegisterModule("downsample", downsample);
    }

    /// <summary>First 3x3 convolution.</summary>
    public Conv2d Conv1 { get; }

    /// <summary>First batch norm.</summary>
    public BatchNorm2d Bn1 { get; }

    /// <summary>Second 3x3 convolution.</summary>
    public Conv2d Conv2 { get; }

    /// <summary>Second batch norm; zero its weight for zero-init-residual.</summary>
    public BatchNorm2d Bn2 { get; }

    /// <summary>Shortcut projection, or null for the identity.</summary>
    public Sequential? Downsample { get; }

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input)
    {
        var y = BlockOps.ConvBnRelu(Conv1, Bn1, input);
        y = BlockOps.Then(y, t => BlockOps.ConvBn(Conv2, Bn2, t));
        return BlockOps.AddShortcut(y, Downsample, input);
    }
}

/// <summary>
/// 1x1 reduce, 3x3 (carrying the stride, as torchvision's "ResNet v1.5"), 1x1 expand ×4, with a shortcut.
/// Same as torchvision's <c>Bottleneck</c>, with the same child names and construction order.
/// </summary>
public sealed class Bottleneck : Module<Tensor, Tensor>
{
    /// <summary>Output channels per unit of <c>planes</c>.</summary>
    public const long Expansion = 4;

    /// <summary>Creates the block. The downsample, if any, must already exist (torchvision builds it first).</summary>
    /// <param name="inPlanes">Input channels.</param>
    /// <param name="planes">Bottleneck channels; the output has 4x as many.</param>
    /// <param name="stride">Stride of the 3x3 convolution.</param>
    /// <param name="downsample">Shortcut projection when shape changes, else null.</param>
    public Bottleneck(long inPlanes, long planes, long stride = 1, Sequential? downsample = null)
    {
        Conv1 = RegisterModule("conv1", BlockOps.Conv1x1(inPlanes, planes));
        Bn1 = RegisterModule("bn1", new BatchNorm2d(planes));
        Conv2 = RegisterModule("conv2", BlockOps.Conv3x3(planes, planes, stride));
        Bn2 = RegisterModule("bn2", new BatchNorm2d(planes));
        Conv3 = RegisterModule("conv3", BlockOps.Conv1x1(planes, planes * Expansion));
        Bn3 = RegisterModule("bn3", new BatchNorm2d(planes * Expansion));
        RegisterModule("relu", new ReLU(inplace: true));
        Downsample = downsample is null ? null : RegisterModule("downsample", downsample);
    }

    /// <summary>1x1 reduction.</summary>
    public Conv2d Conv1 { get; }

    /// <summary>First batch norm.</summary>
    public BatchNorm2d Bn1 { get; }

    /// <summary>3x3 convolution (carries the stride).</summary>
    public Conv2d Conv2 { get; }

    /// <summary>Second batch norm.</summary>
    public BatchNorm2d Bn2 { get; }

    /// <summary>1x1 expansion.</summary>
    public Conv2d Conv3 { get; }

    /// <summary>Third batch norm; zero its weight for zero-init-residual.</summary>
    public BatchNorm2d Bn3 { get; }

    /// <summary>Shortcut projection, or null for the identity.</summary>
    public Sequential? Downsample { get; }

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input)
    {
        var y = BlockOps.ConvBnRelu(Conv1, Bn1, input);
        y = BlockOps.Then(y, t => BlockOps.ConvBnRelu(Conv2, Bn2, t));
        y = BlockOps.Then(y, t => BlockOps.ConvBn(Conv3, Bn3, t));
        return BlockOps.AddShortcut(y, Downsample, input);
    }
}
