// Autograd: requires_grad, grad, backward, detach, and the grad-mode guards.
#include "common.h"

#include <c10/core/InferenceMode.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/variable.h>

using srn::mutable_tensor_of;
using srn::tensor_of;

namespace {
// One heap object per guard kind; each restores the thread's previous mode when deleted.
struct Guard {
  virtual ~Guard() = default;
};
struct GradModeGuard final : Guard {
  explicit GradModeGuard(bool enabled) : guard(enabled) {}
  at::AutoGradMode guard;
};
struct InferenceGuard final : Guard {
  c10::InferenceMode guard;
};
}  // namespace

extern "C" {

int32_t srn_requires_grad(srn_tensor t, int32_t* out) { SRN_STATUS(*out = tensor_of(t).requires_grad() ? 1 : 0;) }

int32_t srn_set_requires_grad(srn_tensor t, int32_t value) {
  SRN_STATUS(mutable_tensor_of(t).set_requires_grad(value != 0);)
}

int32_t srn_is_leaf(srn_tensor t, int32_t* out) { SRN_STATUS(*out = tensor_of(t).is_leaf() ? 1 : 0;) }

srn_tensor srn_grad(srn_tensor t, int32_t* has_grad) {
  try {
    *has_grad = 0;
    const auto& g = tensor_of(t).grad();
    if (!g.defined()) return nullptr;
    *has_grad = 1;
    return srn::wrap(g);
  } catch (...) {
    srn::record_current_exception();
    return nullptr;
  }
}

int32_t srn_set_grad(srn_tensor t, srn_tensor grad) {
  SRN_STATUS(auto& x = mutable_tensor_of(t);
             x.mutable_grad() = grad == nullptr ? at::Tensor() : tensor_of(grad);)
}

int32_t srn_backward(srn_tensor t, srn_tensor gradient, int32_t retain_graph, int32_t create_graph) {
  SRN_STATUS(
      const auto& x = tensor_of(t);
      c10::optional<bool> retain = retain_graph != 0 ? c10::optional<bool>(true) : c10::nullopt;
      torch::autograd::backward({x}, gradient == nullptr ? torch::autograd::variable_list{}
                                                         : torch::autograd::variable_list{tensor_of(gradient)},
                                retain, create_graph != 0);)
}

int32_t srn_retain_grad(srn_tensor t) { SRN_STATUS(tensor_of(t).retain_grad();) }

srn_tensor srn_detach(srn_tensor t) { SRN_TENSOR(return tensor_of(t).detach();) }

int32_t srn_detach_(srn_tensor t) { SRN_STATUS(mutable_tensor_of(t).detach_();) }

int32_t srn_grad_enabled(int32_t* out) { SRN_STATUS(*out = at::GradMode::is_enabled() ? 1 : 0;) }

srn_guard srn_guard_new(int32_t kind) {
  try {
    Guard* g = nullptr;
    switch (kind) {
      case 0: g = new GradModeGuard(false); break;
      case 1: g = new GradModeGuard(true); break;
      case 2: g = new InferenceGuard(); break;
      default: throw std::invalid_argument("invalid guard kind " + std::to_string(kind));
    }
    return reinterpret_cast<srn_guard>(g);
  } catch (...) {
    srn::record_current_exception();
    return nullptr;
  }
}

void srn_guard_free(srn_guard g) {
  try {
    delete reinterpret_cast<Guard*>(g);
  } catch (...) {
  }
}

int32_t srn_is_inference_mode(int32_t* out) { SRN_STATUS(*out = c10::InferenceMode::is_enabled() ? 1 : 0;) }

}  // extern "C"
