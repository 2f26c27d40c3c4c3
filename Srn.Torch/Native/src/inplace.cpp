// In-place updates, the building blocks of optimizers: add_, mul_, addcmul_, copy_, fill_, lerp_...
#include "common.h"

using srn::mutable_tensor_of;
using srn::scalar_of;
using srn::tensor_of;

extern "C" {

int32_t srn_binary_(srn_tensor a, srn_tensor b, int32_t op, srn_scalar alpha) {
  SRN_STATUS(auto& x = mutable_tensor_of(a); const auto& y = tensor_of(b); switch (op) {
    case 0: x.add_(y, scalar_of(alpha)); break;
    case 1: x.sub_(y, scalar_of(alpha)); break;
    case 2: x.mul_(y); break;
    case 3: x.div_(y); break;
    case 4: x.pow_(y); break;
    default: throw std::invalid_argument("binary op code " + std::to_string(op) + " has no in-place form");
  })
}

int32_t srn_binary_scalar_(srn_tensor a, srn_scalar s, int32_t op) {
  SRN_STATUS(auto& x = mutable_tensor_of(a); const auto v = scalar_of(s); switch (op) {
    case 0: x.add_(v); break;
    case 1: x.sub_(v); break;
    case 2: x.mul_(v); break;
    case 3: x.div_(v); break;
    case 4: x.pow_(v); break;
    default: throw std::invalid_argument("binary op code " + std::to_string(op) + " has no in-place scalar form");
  })
}

int32_t srn_addcmul_(srn_tensor t, srn_tensor t1, srn_tensor t2, srn_scalar value) {
  SRN_STATUS(mutable_tensor_of(t).addcmul_(tensor_of(t1), tensor_of(t2), scalar_of(value));)
}

int32_t srn_addcdiv_(srn_tensor t, srn_tensor t1, srn_tensor t2, srn_scalar value) {
  SRN_STATUS(mutable_tensor_of(t).addcdiv_(tensor_of(t1), tensor_of(t2), scalar_of(value));)
}

int32_t srn_copy_(srn_tensor dst, srn_tensor src, int32_t non_blocking) {
  SRN_STATUS(mutable_tensor_of(dst).copy_(tensor_of(src), non_blocking != 0);)
}

int32_t srn_zero_(srn_tensor t) { SRN_STATUS(mutable_tensor_of(t).zero_();) }

int32_t srn_fill_(srn_tensor t, srn_scalar value) { SRN_STATUS(mutable_tensor_of(t).fill_(scalar_of(value));) }

int32_t srn_clamp_(srn_tensor t, srn_scalar min, int32_t has_min, srn_scalar max, int32_t has_max) {
  SRN_STATUS(if (has_min == 0 && has_max == 0) throw std::invalid_argument("clamp_ needs at least one of min and max");
             mutable_tensor_of(t).clamp_(has_min != 0 ? c10::optional<at::Scalar>(scalar_of(min)) : c10::nullopt,
                                         has_max != 0 ? c10::optional<at::Scalar>(scalar_of(max)) : c10::nullopt);)
}

int32_t srn_lerp_(srn_tensor t, srn_tensor end, srn_tensor weight, double weight_scalar) {
  SRN_STATUS(auto& x = mutable_tensor_of(t);
             if (weight == nullptr) x.lerp_(tensor_of(end), weight_scalar);
             else x.lerp_(tensor_of(end), tensor_of(weight));)
}

}  // extern "C"
