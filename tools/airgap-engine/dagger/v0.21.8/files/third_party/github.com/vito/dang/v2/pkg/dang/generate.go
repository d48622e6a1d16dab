package dang

//go:generate go run github.com/mna/pigeon -support-left-recursion -o dang.peg.go dang.peg
