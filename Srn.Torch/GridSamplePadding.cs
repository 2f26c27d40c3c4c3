namespace Srn.Torch;

/// <summary>What <see cref="Functional.GridSample"/> reads outside the input. Same as the <c>padding_mode=</c> strings of <c>torch.nn.functional.grid_sample</c>.</summary>
public enum GridSamplePadding
{
    /// <summary>Zero outside the input (<c>'zeros'</c>).</summary>
    Zeros = 0,

    /// <summary>The nearest border value (<c>'border'</c>).</summary>
    Border = 1,

    /// <summary>The input reflected at its border (<c>'reflection'</c>).</summary>
    Reflection = 2,
}
