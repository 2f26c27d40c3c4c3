namespace Srn.Vision;

/// <summary>An axis-aligned box in pixel coordinates of its image (x to the right, y down), with its class index.</summary>
/// <param name="X1">Left edge.</param>
/// <param name="Y1">Top edge.</param>
/// <param name="X2">Right edge (exclusive).</param>
/// <param name="Y2">Bottom edge (exclusive).</param>
/// <param name="Class">Class index in the dataset's class order, or -1 when unknown (proposals).</param>
public readonly record struct Box(float X1, float Y1, float X2, float Y2, int Class = -1)
{
    /// <summary>Width.</summary>
    public float Width => X2 - X1;

    /// <summary>Height.</summary>
    public float Height => Y2 - Y1;
}
