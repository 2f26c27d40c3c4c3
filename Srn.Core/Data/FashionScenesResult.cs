namespace Srn.Data;

/// <summary>What <see cref="FashionScenesDataset.Write"/> produced.</summary>
/// <param name="Directory">The output directory; manifest image paths are relative to it.</param>
/// <param name="TrainManifestPath">The train manifest file.</param>
/// <param name="TestManifestPath">The test manifest file.</param>
/// <param name="TrainBoxesPath">The train boxes file.</param>
/// <param name="TestBoxesPath">The test boxes file.</param>
/// <param name="Train">The train manifest.</param>
/// <param name="Test">The test manifest.</param>
/// <param name="Cached">True when the directory already held this exact generation and nothing was written.</param>
/// <param name="Seconds">Wall time of the call.</param>
public sealed record FashionScenesResult(
    string Directory,
    string TrainManifestPath,
    string TestManifestPath,
    string TrainBoxesPath,
    string TestBoxesPath,
    Manifest Train,
    Manifest Test,
    bool Cached,
    double Seconds);
