package dang

type Record []Keyed[Node]
