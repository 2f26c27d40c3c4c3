namespace Srn.Data;

/// <summary>
/// Writes an RGB image to a file: the seam through which FashionScenes (and anything else that makes pixels in memory)
/// saves images. <see cref="PpmImageWriter"/> is the built-in implementation; a PNG writer over the native codec plugs in here
/// without other changes (<see cref="FashionScenesDataset.Write"/> takes any implementation and names files with its
/// <see cref="Extension"/>). <see cref="Write"/> is called from several threads at once, one file per call.
/// </summary>
public interface IImageWriter
{
    /// <summary>The file extension of the format, with its dot (".ppm", ".png").</summary>
    string Extension { get; }

    /// <summary>Writes one image.</summary>
    /// <param name="path">The destination file; its directory exists.</param>
    /// <param name="rgbHwc">The pixels: RGB, row-major, height x width x 3, one byte per channel.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    void Write(string path, ReadOnlySpan<byte> rgbHwc, int width, int height);
}
