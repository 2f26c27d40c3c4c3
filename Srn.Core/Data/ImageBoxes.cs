using Srn.Vision;

namespace Srn.Data;

/// <summary>
/// Boxes grouped by image, in the order images first appear: the content of a proposals file (<see cref="ProposalsFile"/>,
/// class -1, optional scores) or of a boxes file (<see cref="BoxesFile"/>, with classes).
/// </summary>
public sealed class ImageBoxes
{
    private static readonly IReadOnlyList<Box> NoBoxes = [];
    private static readonly IReadOnlyList<float> NoScores = [];
    private readonly List<string> images = [];
    private readonly Dictionary<string, List<Box>> boxes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<float>>? scores;

    /// <summary>Creates an empty set.</summary>
    /// <param name="hasScores">Whether every box carries a score (proposals with objectness scores).</param>
    public ImageBoxes(bool hasScores = false)
    {
        HasScores = hasScores;
        scores = hasScores ? new(StringComparer.Ordinal) : null;
    }

    /// <summary>Whether every box carries a score.</summary>
    public bool HasScores { get; }

    /// <summary>The images that have boxes, in the order they were first added.</summary>
    public IReadOnlyList<string> Images => images;

    /// <summary>The number of boxes over all images.</summary>
    public int Count { get; private set; }

    /// <summary>The boxes of an image, in the order they were added; empty when it has none.</summary>
    /// <param name="image">The image path.</param>
    public IReadOnlyList<Box> this[string image] => boxes.TryGetValue(image, out var list) ? list : NoBoxes;

    /// <summary>The scores of an image's boxes, aligned with <see cref="this[string]"/>.</summary>
    /// <param name="image">The image path.</param>
    /// <returns>One score per box; empty when the image has no boxes.</returns>
    /// <exception cref="InvalidOperationException">The set has no scores.</exception>
    public IReadOnlyList<float> ScoresOf(string image)
    {
        if (scores is null)
        {
            throw new InvalidOperationException("These boxes have no scores (the file has no score column).");
        }

        return scores.TryGetValue(image, out var list) ? list : NoScores;
    }

    /// <summary>Adds a box to an image.</summary>
    /// <param name="image">The image path.</param>
    /// <param name="box">The box, in pixels of the image.</param>
    /// <param name="score">Its score: required when <see cref="HasScores"/>, not allowed otherwise.</param>
    public void Add(string image, Box box, float? score = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (HasScores != score.HasValue)
        {
            throw new ArgumentException(HasScores ? "This set needs a score for every box." : "This set has no scores.", nameof(score));
        }

        if (!boxes.TryGetValue(image, out var list))
        {
            list = [];
            boxes.Add(image, list);
            images.Add(image);
            scores?.Add(image, []);
        }

        list.Add(box);
        if (score is { } s)
        {
            scores![image].Add(s);
        }

        Count++;
    }
}
