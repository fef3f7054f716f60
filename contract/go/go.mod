module github.com/polar-emulator/contract-go

go 1.22

require github.com/polarsource/polar-go v0.16.0

require github.com/spyzhov/ajson v0.8.0 // indirect
