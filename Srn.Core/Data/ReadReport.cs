using System.Text;

namespace Srn.Data;

/// <summary>What a dataset reader dropped, and notes on choices it made (how difficult objects were labelled, for example).</summary>
public sealed class ReadReport
{
    private readonly List<DroppedImages> dropped = [];
    private readonly List<string> notes = [];

    /// <summary>Every group of dropped images, in the order they were dropped. Groups with no images are not kept.</summary>
    public IReadOnlyList<DroppedImages> Dropped => dropped;

    /// <summary>Notes on the reader's choices.</summary>
    public IReadOnlyList<string> Notes => notes;

    /// <summary>How many images were dropped from a split, for all reasons.</summary>
    /// <param name="split">"train" or "test".</param>
    /// <returns>The count.</returns>
    public int DroppedCount(string split) => dropped.Where(d => d.Split == split).Sum(d => d.Count);

    /// <summary>How many images were dropped from a split for one reason.</summary>
    /// <param name="split">"train" or "test".</param>
    /// <param name="reason">The reason, as the reader words it.</param>
    /// <returns>The count.</returns>
    public int DroppedCount(string split, string reason) => dropped.Where(d => d.Split == split && d.Reason == reason).Sum(d => d.Count);

    /// <summary>Records dropped images (nothing when <paramref name="images"/> is empty).</summary>
    /// <param name="split">"train" or "test".</param>
    /// <param name="reason">Why.</param>
    /// <param name="images">The images.</param>
    public void AddDropped(string split, string reason, IReadOnlyList<string> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count > 0)
        {
            dropped.Add(new DroppedImages(split, reason, images));
        }
    }

    /// <summary>Records a note.</summary>
    /// <param name="note">The note.</param>
    public void AddNote(string note) => notes.Add(note);

    /// <inheritdoc/>
    public override string ToString()
    {
        var sb = new StringBuilder();
        if (dropped.Count == 0)
        {
            sb.AppendLine("nothing dropped");
        }

        foreach (var d in dropped)
        {
            sb.AppendLine(d.ToString());
        }

        foreach (var n in notes)
        {
            sb.AppendLine(n);
        }

        return sb.ToString().TrimEnd();
    }
}
