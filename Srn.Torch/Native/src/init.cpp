// In-place random fills (the primitives of nn.init), data replacement, and the linear algebra init needs.
#include "common.h"

using srn::mutable_tensor_of;
using srn::tensor_of;

extern "C" {

// Init runs on parameters that require grad; like torch.nn.init, it must not be recorded by autograd.
int32_t srn_uniform_(srn_tensor t, double from, double to) {
  SRN_STATUS(at::NoGradGuard no_grad; mutable_tensor_of(t).uniform_(from, to);)
}

int32_t srn_normal_(srn_tensor t, double mean, double std) {
  SRN_STATUS(at::NoGradGuard no_grad; mutable_tensor_of(t).normal_(mean, std);)
}

int32_t srn_bernoulli_(srn_tensor t, double p) {
  SRN_STATUS(at::NoGradGuard no_grad; mutable_tensor_of(t).bernoulli_(p);)
}

int32_t srn_set_data(srn_tensor t, srn_tensor src) {
  SRN_STATUS(auto& x = mutable_tensor_of(t); const auto& y = tensor_of(src);
             // .to() returns the tensor itself when nothing changes; replacing data with itself is a no-op.
             if (x.unsafeGetTensorImpl() != y.unsafeGetTensorImpl()) x.set_data(y);)
}

int32_t srn_linalg_qr(srn_tensor a, srn_tensor* q, srn_tensor* r) {
  SRN_STATUS(auto qr = at::linalg_qr(tensor_of(a), "reduced");
             *q = srn::wrap(std::get<0>(qr));
             *r = srn::wrap(std::get<1>(qr));)
}

srn_tensor srn_diagonal(srn_tensor t, int64_t offset, int64_t dim1, int64_t dim2) {
  SRN_TENSOR(return at::diagonal(tensor_of(t), offset, dim1, dim2);)
}

}  // extern "C"
