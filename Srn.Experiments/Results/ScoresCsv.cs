using System.Globalization;
using System.Text;
using Srn.Torch.IO;

namespace Srn.Experiments.Results;

/// <summary><c>scores.csv</c>: one row per image, its raw score per class (provisional; replaced on merge).</summary>
internal static class ScoresCsv
{
    public static void Write(string path, IReadOnlyList<string> images, IReadOnlyList<string> classes, double[,] scores)
    {
        var sb = new StringBuilder("image,").AppendJoin(',', classes).Append('\n');
        for (var i = 0; i < images.Count; i++)
        {
            sb.Append(images[i]);
            for (var c = 0; c < classes.Count; c++)
            {
                sb.Append(',').Append(scores[i, c].ToString("R", CultureInfo.InvariantCulture));
            }

            sb.Append('\n');
        }

        AtomicFile.WriteAllText(path, sb.ToString());
    }
}
