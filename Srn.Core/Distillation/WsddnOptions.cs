namespace Srn.Distillation;

/// <summary>The shape of a <see cref="WsddnTeacher"/>'s region head.</summary>
/// <param name="Hidden">Width of fc6 and fc7 (4096 in the paper's VGG16 teacher; 256 suits resnet-small).</param>
/// <param name="PoolSize">Side of the pooled RoI grid (7 in Fast R-CNN and WSDDN).</param>
/// <param name="UseRoIAlign">RoIAlign (bilinear, sampling ratio 2) instead of RoI max pooling.</param>
/// <param name="Dropout">Dropout probability after fc6 and fc7 (0.5).</param>
public sealed record WsddnOptions(int Hidden = 256, int PoolSize = 7, bool UseRoIAlign = false, double Dropout = 0.5)
{
    /// <summary>
    /// Defaults for a backbone: 256-wide fc layers for <c>resnet-small</c> and <c>vgg-small</c>, 4096 for <c>vgg16</c> (the
    /// paper's, so the head starts from VGG16's own fc6 and fc7), 1024 otherwise.
    /// </summary>
    /// <param name="backbone">Registry backbone name.</param>
    /// <returns>The options.</returns>
    public static WsddnOptions For(string backbone) => new(Hidden: backbone switch
    {
        "resnet-small" or "vgg-small" => 256,
        "vgg16" => 4096,
        _ => 1024,
    });
}
