"""The bundled example specs, installed as package data for `backprop --example NAME`."""
