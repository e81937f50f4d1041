// @skiff/runtime
