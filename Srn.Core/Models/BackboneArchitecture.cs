namespace Srn.Models;

/// <summary>The shape of a registry backbone: <see cref="ResNetConfig"/> or <see cref="VggConfig"/>.</summary>
public abstract record BackboneArchitecture
{
    /// <summary>The family's name for messages, e.g. <c>ResNet</c>.</summary>
    public abstract string Family { get; }

    /// <summary>Channels of the final features.</summary>
    public abstract long NumFeatures { get; }

    /// <summary>The stages whose outputs a reader may tap, with their state-dict names, channels and strides.</summary>
    /// <returns>The stages, shallow to deep.</returns>
    public abstract IReadOnlyList<StageInfo> Stages();

    /// <summary>Builds the network and initialises it from the global generator, as torchvision does.</summary>
    /// <param name="numClasses">Classifier outputs.</param>
    /// <returns>The network, in training mode.</returns>
    public abstract Backbone Create(long numClasses);
}
