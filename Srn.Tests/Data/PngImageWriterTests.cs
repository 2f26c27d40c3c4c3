using Srn.Data;
using Srn.Torch;
using Srn.Torch.IO;

namespace Srn.Tests.Data;

[TestFixture]
public sealed class PngImageWriterTests
{
    [Test]
    public void Scenes_written_as_png_decode_to_the_same_pixels()
    {
        var path = Path.Combine(Path.GetTempPath(), $"srn-scene-{Guid.NewGuid():N}.png");
        try
        {
            var rgb = new byte[5 * 7 * 3];
            for (var k = 0; k < rgb.Length; k++)
            {
                rgb[k] = (byte)((k * 37) + 11);
            }

            new PngImageWriter().Write(path, rgb, width: 7, height: 5);
            using var decoded = ImageCodec.Decode(path);
            using var hwc = decoded.Permute(1, 2, 0).Contiguous();
            Assert.That(decoded.Shape, Is.EqualTo(new long[] { 3, 5, 7 }));
            Assert.That(hwc.ToArray<byte>(), Is.EqualTo(rgb));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
