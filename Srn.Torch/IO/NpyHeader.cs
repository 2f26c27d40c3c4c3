namespace Srn.Torch.IO;

/// <summary>The header of a <c>.npy</c> file (see <see cref="Npy"/>).</summary>
/// <param name="Descr">NumPy's type string, e.g. <c>&lt;f4</c>.</param>
/// <param name="DType">The tensor element type it maps to.</param>
/// <param name="BigEndian">Whether the elements are stored big-endian.</param>
/// <param name="FortranOrder">Whether the elements are stored column-major.</param>
/// <param name="Shape">The array's shape (empty for a scalar).</param>
/// <param name="DataOffset">Where the elements start in the file.</param>
/// <param name="Version">The format version, e.g. <c>1.0</c>.</param>
public sealed record NpyHeader(string Descr, ScalarType DType, bool BigEndian, bool FortranOrder, long[] Shape, int DataOffset, string Version);
