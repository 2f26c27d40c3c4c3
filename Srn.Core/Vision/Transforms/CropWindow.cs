namespace Srn.Vision.Transforms;

/// <summary>A crop window in pixel coordinates of the image it is cut from: the parameters a random crop drew.</summary>
/// <param name="Top">First row.</param>
/// <param name="Left">First column.</param>
/// <param name="Height">Rows.</param>
/// <param name="Width">Columns.</param>
public readonly record struct CropWindow(int Top, int Left, int Height, int Width);
