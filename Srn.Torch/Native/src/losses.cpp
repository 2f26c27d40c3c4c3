// torch.nn.functional losses: binary cross-entropy (on probabilities and on logits), cross-entropy,
// KL divergence and mean squared error, with the argument checks of PyTorch's Python wrappers.
#include "common.h"

#include <ATen/ExpandUtils.h>

using srn::optional_tensor;
using srn::reduction_of;
using srn::tensor_of;

namespace {

void require_same_size(const at::Tensor& input, const at::Tensor& target, const char* op) {
  if (input.sizes() != target.sizes()) {
    throw std::invalid_argument(std::string(op) + ": target size " + c10::str(target.sizes()) +
                                " must be the same as input size " + c10::str(input.sizes()));
  }
}

}  // namespace

extern "C" {

srn_tensor srn_binary_cross_entropy(srn_tensor input, srn_tensor target, srn_tensor weight, int32_t reduction) {
  SRN_TENSOR(const auto& x = tensor_of(input);
             const auto& y = tensor_of(target);
             require_same_size(x, y, "binary_cross_entropy");
             auto w = optional_tensor(weight);
             if (w) w = w->expand(at::infer_size(y.sizes(), w->sizes()));
             return at::binary_cross_entropy(x, y, w, reduction_of(reduction));)
}

srn_tensor srn_binary_cross_entropy_with_logits(srn_tensor input, srn_tensor target, srn_tensor weight,
                                                srn_tensor pos_weight, int32_t reduction) {
  SRN_TENSOR(const auto& x = tensor_of(input);
             const auto& y = tensor_of(target);
             require_same_size(x, y, "binary_cross_entropy_with_logits");
             return at::binary_cross_entropy_with_logits(x, y, optional_tensor(weight), optional_tensor(pos_weight),
                                                         reduction_of(reduction));)
}

srn_tensor srn_cross_entropy(srn_tensor input, srn_tensor target, srn_tensor weight, int64_t ignore_index,
                             int32_t reduction, double label_smoothing) {
  SRN_TENSOR(return at::cross_entropy_loss(tensor_of(input), tensor_of(target), optional_tensor(weight),
                                           reduction_of(reduction), ignore_index, label_smoothing);)
}

srn_tensor srn_kl_div(srn_tensor input, srn_tensor target, int32_t reduction, int32_t log_target) {
  // F.kl_div: 'batchmean' is the sum divided by the batch size (the first dimension).
  SRN_TENSOR(const auto& x = tensor_of(input);
             if (reduction == 3) {
               auto total = at::kl_div(x, tensor_of(target), at::Reduction::Sum, log_target != 0);
               return x.dim() != 0 ? total / x.size(0) : total;
             }
             return at::kl_div(x, tensor_of(target), reduction_of(reduction), log_target != 0);)
}

srn_tensor srn_mse_loss(srn_tensor input, srn_tensor target, int32_t reduction) {
  // F.mse_loss broadcasts the two before the loss.
  SRN_TENSOR(auto both = at::broadcast_tensors({tensor_of(input), tensor_of(target)});
             return at::mse_loss(both[0], both[1], reduction_of(reduction));)
}

}  // extern "C"
