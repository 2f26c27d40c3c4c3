// Views and shape changes: view/reshape/permute/..., cat/stack/split/chunk, flip/roll/narrow.
#include "common.h"

using srn::int_array;
using srn::tensor_of;

extern "C" {

srn_tensor srn_view(srn_tensor t, const int64_t* shape, int32_t ndim) {
  SRN_TENSOR(return tensor_of(t).view(int_array(shape, ndim));)
}

srn_tensor srn_reshape(srn_tensor t, const int64_t* shape, int32_t ndim) {
  SRN_TENSOR(return tensor_of(t).reshape(int_array(shape, ndim));)
}

srn_tensor srn_permute(srn_tensor t, const int64_t* dims, int32_t ndim) {
  SRN_TENSOR(return tensor_of(t).permute(int_array(dims, ndim));)
}

srn_tensor srn_transpose(srn_tensor t, int64_t dim0, int64_t dim1) {
  SRN_TENSOR(return tensor_of(t).transpose(dim0, dim1);)
}

srn_tensor srn_flatten(srn_tensor t, int64_t start_dim, int64_t end_dim) {
  SRN_TENSOR(return tensor_of(t).flatten(start_dim, end_dim);)
}

srn_tensor srn_squeeze(srn_tensor t) { SRN_TENSOR(return tensor_of(t).squeeze();) }

srn_tensor srn_squeeze_dim(srn_tensor t, int64_t dim) { SRN_TENSOR(return tensor_of(t).squeeze(dim);) }

srn_tensor srn_unsqueeze(srn_tensor t, int64_t dim) { SRN_TENSOR(return tensor_of(t).unsqueeze(dim);) }

srn_tensor srn_expand(srn_tensor t, const int64_t* shape, int32_t ndim) {
  SRN_TENSOR(return tensor_of(t).expand(int_array(shape, ndim));)
}

srn_tensor srn_expand_as(srn_tensor t, srn_tensor other) {
  SRN_TENSOR(return tensor_of(t).expand_as(tensor_of(other));)
}

srn_tensor srn_repeat(srn_tensor t, const int64_t* repeats, int32_t n) {
  SRN_TENSOR(return tensor_of(t).repeat(int_array(repeats, n));)
}

srn_tensor srn_contiguous(srn_tensor t) { SRN_TENSOR(return tensor_of(t).contiguous();) }

srn_tensor srn_flip(srn_tensor t, const int64_t* dims, int32_t n) {
  SRN_TENSOR(return tensor_of(t).flip(int_array(dims, n));)
}

srn_tensor srn_roll(srn_tensor t, const int64_t* shifts, int32_t n_shifts, const int64_t* dims, int32_t n_dims) {
  SRN_TENSOR(return tensor_of(t).roll(int_array(shifts, n_shifts), int_array(dims, n_dims));)
}

srn_tensor srn_narrow(srn_tensor t, int64_t dim, int64_t start, int64_t length) {
  SRN_TENSOR(return tensor_of(t).narrow(dim, start, length);)
}

srn_tensor srn_cat(const srn_tensor* tensors, int64_t n, int64_t dim) {
  SRN_TENSOR(return at::cat(srn::tensors_of(tensors, n), dim);)
}

srn_tensor srn_stack(const srn_tensor* tensors, int64_t n, int64_t dim) {
  SRN_TENSOR(return at::stack(srn::tensors_of(tensors, n), dim);)
}

srn_tensor_list srn_split(srn_tensor t, int64_t split_size, int64_t dim) {
  SRN_LIST(return tensor_of(t).split(split_size, dim);)
}

srn_tensor_list srn_split_sizes(srn_tensor t, const int64_t* sizes, int32_t n, int64_t dim) {
  SRN_LIST(return tensor_of(t).split_with_sizes(int_array(sizes, n), dim);)
}

srn_tensor_list srn_chunk(srn_tensor t, int64_t chunks, int64_t dim) {
  SRN_LIST(return tensor_of(t).chunk(chunks, dim);)
}

}  // extern "C"
