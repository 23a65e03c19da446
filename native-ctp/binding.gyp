{
  "targets": [
    {
      "target_name": "generate",
      "type": "none",
      "actions": [
        {
          "action_name": "generate",
          "inputs": [
            "scripts/generate.js",
            "spec/ctp-api-6.3.15.json"
          ],
          "outputs": [
            "build/generated/ctp_api.h",
            "build/generated/ctp_tables.h"
          ],
          "action": [
            "node",
            "scripts/generate.js",
            "6.3.15"
          ]
        }
      ]
    },
    {
      "target_name": "qautlra_ctp",
      "dependencies": [
        "generate"
      ],
      "sources": [
        "addon/addon.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "build/generated"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NODE_ADDON_API_DISABLE_DEPRECATED"
      ],
      "cflags_cc!": [
        "-fno-exceptions"
      ],
      "cflags_cc": [
        "-std=c++17",
        "-fexceptions",
        "-Wall",
        "-Wextra"
      ],
      "libraries": [
        "-ldl"
      ]
    },
    {
      "target_name": "thostmduserapi_se",
      "type": "shared_library",
      "dependencies": [
        "generate"
      ],
      "product_prefix": "",
      "product_extension": "so",
      "sources": [
        "fake/md_front.cc"
      ],
      "include_dirs": [
        "build/generated"
      ],
      "cflags_cc!": [
        "-fno-exceptions",
        "-fno-rtti"
      ],
      "cflags_cc": [
        "-std=c++17",
        "-fexceptions",
        "-Wall",
        "-Wextra",
        "-pthread"
      ],
      "ldflags": [
        "-pthread"
      ]
    },
    {
      "target_name": "thosttraderapi_se",
      "type": "shared_library",
      "dependencies": [
        "generate"
      ],
      "product_prefix": "",
      "product_extension": "so",
      "sources": [
        "fake/trader_front.cc"
      ],
      "include_dirs": [
        "build/generated"
      ],
      "cflags_cc!": [
        "-fno-exceptions",
        "-fno-rtti"
      ],
      "cflags_cc": [
        "-std=c++17",
        "-fexceptions",
        "-Wall",
        "-Wextra",
        "-pthread"
      ],
      "ldflags": [
        "-pthread"
      ]
    },
    {
      "target_name": "ctp_floor",
      "type": "executable",
      "dependencies": [
        "generate"
      ],
      "sources": [
        "bench/floor.cc"
      ],
      "include_dirs": [
        "build/generated"
      ],
      "cflags_cc!": [
        "-fno-exceptions",
        "-fno-rtti"
      ],
      "cflags_cc": [
        "-std=c++17",
        "-Wall",
        "-Wextra",
        "-pthread"
      ],
      "ldflags": [
        "-pthread"
      ],
      "libraries": [
        "-ldl"
      ]
    }
  ]
}
