using Srn.Torch;
using Srn.Torch.NN;

namespace Srn.Distillation;

/// <summary>
/// Everything KD-WSD trains, in one module for checkpoints: the teacher (<c>teacher.*</c>), the student
/// (<c>student.*</c>) and the per-class scale s of the prediction-level loss (<c>kd_scale</c>, initialised to 0.2, i.e. a
/// student temperature of 5).
/// </summary>
public sealed class KdWsdModel : Module
{
    /// <summary>Assembles the model.</summary>
    /// <param name="teacher">The WSDDN teacher.</param>
    /// <param name="student">The student.</param>
    /// <param name="scaleInit">Initial value of every entry of s.</param>
    public KdWsdModel(WsddnTeacher teacher, KdStudent student, double scaleInit = 0.2)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(student);
        Teacher = RegisterModule("teacher", teacher);
        Student = RegisterModule("student", student);
        Scale = RegisterParameter("kd_scale", Tensor.Full([teacher.NumClasses], scaleInit, requiresGrad: true))!;
    }

    /// <summary>The teacher.</summary>
    public WsddnTeacher Teacher { get; }

    /// <summary>The student.</summary>
    public KdStudent Student { get; }

    /// <summary>The learnable per-class scale s, <c>[K]</c>.</summary>
    public Tensor Scale { get; }
}
