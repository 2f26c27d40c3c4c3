namespace Srn.Experiments.Results;

/// <summary>
/// One row of <c>summary.csv</c>: a (dataset, method, proportion) over seeds, or the method's <c>avg</c> row
/// (<see cref="Proportion"/> null). See <see cref="Summary"/> for the definitions.
/// </summary>
/// <param name="Dataset">Dataset name.</param>
/// <param name="Method">Method name.</param>
/// <param name="Proportion">Known-label proportion; null for the <c>avg</c> row.</param>
/// <param name="Seeds">The seeds the statistics run over, ascending (their count is the <c>n_seeds</c> column).</param>
/// <param name="Map">mAP (voc12, percent) over those seeds.</param>
/// <param name="CF1">CF1 over those seeds.</param>
/// <param name="OF1">OF1 over those seeds.</param>
/// <param name="Baseline">The baseline method the comparison columns refer to, or null when none is named.</param>
/// <param name="Pairs">Seeds with a value for both this method and the baseline (<c>n_pairs</c>).</param>
/// <param name="MapDiff">This row's mean mAP minus the baseline's (each over its own seeds); NaN where there is no comparison.</param>
/// <param name="PValue">Two-sided paired t-test of mAP against the baseline over <see cref="Pairs"/> seeds; NaN for fewer than 2 pairs.</param>
internal sealed record SummaryRow(
    string Dataset, string Method, double? Proportion, IReadOnlyList<int> Seeds,
    SeedStats Map, SeedStats CF1, SeedStats OF1,
    string? Baseline, int Pairs, double MapDiff, double PValue)
{
    /// <summary>The text of the proportion column: the number (at most 6 decimals) or <c>avg</c>.</summary>
    public string ProportionLabel => Proportion is { } p ? CsvCells.Fixed6(p) : Summary.AverageLabel;

    /// <summary><c>n_seeds</c>.</summary>
    public int SeedCount => Seeds.Count;
}
