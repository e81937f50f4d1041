// @skiff/client
