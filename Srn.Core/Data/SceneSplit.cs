namespace Srn.Data;

/// <summary>The split of a FashionScenes scene: train scenes use only Fashion-MNIST's train items, test scenes only its test items.</summary>
public enum SceneSplit
{
    /// <summary>Training scenes.</summary>
    Train,

    /// <summary>Test scenes.</summary>
    Test,
}
