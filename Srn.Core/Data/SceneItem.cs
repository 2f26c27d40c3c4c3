using Srn.Vision;

namespace Srn.Data;

/// <summary>One Fashion-MNIST item placed in a scene.</summary>
/// <param name="Class">Its class (index into <see cref="FashionMnist.ClassNames"/>).</param>
/// <param name="SourceIndex">Its index in the Fashion-MNIST split the scene draws from (train for train scenes, test for test scenes).</param>
/// <param name="Box">The tight box of its visible pixels on the canvas (x2, y2 exclusive), with its class.</param>
public readonly record struct SceneItem(int Class, int SourceIndex, Box Box);
