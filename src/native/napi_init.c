/* Module init: registers every function of napi_functions.h under its JS name. */
#include "napi_util.h"

NAPI_MODULE_INIT() {
  const napi_property_descriptor props[] = {
#define DLB_FN(name, fn) {#name, NULL, fn, NULL, NULL, NULL, napi_default, NULL},
#include "napi_functions.h"
#undef DLB_FN
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
