using Srn.Torch;

namespace Srn.Distillation;

/// <summary>The region outputs of a <see cref="WsddnTeacher"/> for N images of R proposals each.</summary>
/// <param name="Fc7">The fc7 RoI features after ReLU (before dropout), <c>[N, R, hidden]</c>: the stage-1 distillation target.</param>
/// <param name="Xc">Classification-stream scores x_c, <c>[N, R, K]</c>.</param>
/// <param name="Xd">Detection-stream scores x_d, <c>[N, R, K]</c>.</param>
public sealed record WsddnOutput(Tensor Fc7, Tensor Xc, Tensor Xd) : IDisposable
{
    /// <summary>Frees the three tensors.</summary>
    public void Dispose()
    {
        Fc7.Dispose();
        Xc.Dispose();
        Xd.Dispose();
    }
}
