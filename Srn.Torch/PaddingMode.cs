namespace Srn.Torch;

/// <summary>How <see cref="Functional.Pad"/> fills the added border. Same as the <c>mode=</c> strings of <c>torch.nn.functional.pad</c>.</summary>
public enum PaddingMode
{
    /// <summary>A constant value (<c>'constant'</c>).</summary>
    Constant = 0,

    /// <summary>The input mirrored at its edge, the edge itself not repeated (<c>'reflect'</c>).</summary>
    Reflect = 1,

    /// <summary>The edge value repeated (<c>'replicate'</c>).</summary>
    Replicate = 2,

    /// <summary>The input wrapped around, as if periodic (<c>'circular'</c>).</summary>
    Circular = 3,
}
