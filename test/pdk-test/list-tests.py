#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Print "suite name" for every PDK_TEST_REGISTER(name, suite, fn) in the
# given sources, so that meson learns the tests from where they are defined.
import re
import sys

pat = re.compile(r'^\s*PDK_TEST_REGISTER\(\s*(\w+)\s*,\s*(\w+)\s*,', re.M)
for path in sys.argv[1:]:
    with open(path, encoding='utf-8') as f:
        for name, suite in pat.findall(f.read()):
            print(suite, name)
