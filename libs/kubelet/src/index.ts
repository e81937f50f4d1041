// @skiff/kubelet
