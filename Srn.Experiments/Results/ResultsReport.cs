using Srn.Torch.IO;

namespace Srn.Experiments.Results;

/// <summary>
/// The files derived from <c>results.csv</c>: <c>summary.csv</c> and one <c>map_&lt;dataset&gt;.svg</c> per dataset. A sweep
/// rewrites them after each finished run and at the end; <c>srn merge</c> after merging.
/// </summary>
internal static class ResultsReport
{
    /// <summary>Reads <c>results.csv</c> of <paramref name="directory"/> and (re)writes the summary and the plots, each atomically.</summary>
    /// <param name="directory">The output directory.</param>
    /// <param name="baseline">The baseline method for the comparison columns, or null.</param>
    /// <returns>The summary rows (empty when there is no <c>results.csv</c> yet; nothing is written then).</returns>
    /// <exception cref="Srn.Data.DataFormatException">When <c>results.csv</c> is malformed.</exception>
    /// <exception cref="InvalidDataException">When two runs claim one (dataset, method, proportion, seed).</exception>
    public static IReadOnlyList<SummaryRow> Write(string directory, string? baseline)
    {
        var store = new ResultsStore(directory);
        if (!File.Exists(store.ResultsPath))
        {
            return [];
        }

        var summary = Summary.Compute(store.ReadResults(), baseline);
        AtomicFile.WriteAllText(Path.Combine(directory, SummaryCsv.FileName), SummaryCsv.Format(summary));
        foreach (var dataset in summary.Select(r => r.Dataset).Distinct())
        {
            AtomicFile.WriteAllText(Path.Combine(directory, MapPlot.FileName(dataset)), MapPlot.Render(summary, dataset));
        }

        return summary;
    }
}
