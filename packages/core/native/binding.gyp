{
  "targets": [
    {
      "target_name": "bdst_native_kernels",
      "sources": ["convolution-kernels.c"],
      "cflags": ["-O3", "-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter", "-ffp-contract=off"],
      "xcode_settings": { "OTHER_CFLAGS": ["-O3", "-std=gnu11", "-ffp-contract=off"] }
    }
  ]
}
