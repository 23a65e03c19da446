{
  "target_defaults": {
    "cflags_cc!": [
      "-fno-exceptions",
      "-fno-rtti"
    ],
    "cflags_cc": [
      "-std=c++17",
      "-fexceptions",
      "-Wall",
      "-Wextra",
      "-pthread",
      "-fvisibility=hidden",
      "-fvisibility-inlines-hidden"
    ],
    "ldflags": [
      "-pthread"
    ]
  },
  "targets": [
    {
      "target_name": "generate",
      "type": "none",
      "actions": [
        {
          "action_name": "generate_6_3_15",
          "inputs": [
            "scripts/generate.js",
            "scripts/layouts.js",
            "spec/ctp-api-6.3.15.json"
          ],
          "outputs": [
            "build/generated/6.3.15/ctp_api.h",
            "build/generated/6.3.15/ctp_tables.h"
          ],
          "action": [
            "node",
            "scripts/generate.js",
            "6.3.15"
          ]
        },
        {
          "action_name": "generate_6_5_1",
          "inputs": [
            "scripts/generate.js",
            "scripts/layouts.js",
            "spec/ctp-api-6.3.15.json"
          ],
          "outputs": [
            "build/generated/6.5.1/ctp_api.h",
            "build/generated/6.5.1/ctp_tables.h"
          ],
          "action": [
            "node",
            "scripts/generate.js",
            "6.5.1"
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
        "build/generated/6.3.15"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NODE_ADDON_API_DISABLE_DEPRECATED"
      ],
      "libraries": [
        "-ldl"
      ]
    },
    {
      "target_name": "qautlra_ctp_6_5_1",
      "dependencies": [
        "generate"
      ],
      "sources": [
        "addon/addon.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "build/generated/6.5.1"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NODE_ADDON_API_DISABLE_DEPRECATED"
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
        "build/generated/6.3.15"
      ]
    },
    {
      "target_name": "thostmduserapi_se_6_5_1",
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
        "build/generated/6.5.1"
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
        "build/generated/6.3.15"
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
        "build/generated/6.3.15"
      ],
      "libraries": [
        "-ldl"
      ]
    }
  ]
}
