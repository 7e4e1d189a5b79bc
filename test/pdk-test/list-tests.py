#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Print "suite name" for every test registered in the given sources, so that
# meson learns the tests from where they are defined:
#   PDK_TEST_REGISTER(name, suite, fn)  -> "suite name"
#   PDK_ENV_TEST(name, suite, fn, ...)  -> "suite name"
#   PDK_RULE_TEST(name, fn, ...)        -> "fast sim_rule_name" and "vm kernel_rule_name"
#   PDK_SIM_RULE(name, fn, why, ...)    -> "fast sim_rule_name"
# (pdk_test.h and test_env.h define the macros; keep them in step.)
import re
import sys

reg = re.compile(r'^\s*PDK_(?:TEST_REGISTER|ENV_TEST)\(\s*(\w+)\s*,\s*(\w+)\s*,', re.M)
rule = re.compile(r'^\s*PDK_RULE_TEST\(\s*(\w+)\s*,', re.M)
sim_rule = re.compile(r'^\s*PDK_SIM_RULE\(\s*(\w+)\s*,', re.M)
for path in sys.argv[1:]:
    with open(path, encoding='utf-8') as f:
        text = f.read()
    for name, suite in reg.findall(text):
        print(suite, name)
    for name in rule.findall(text):
        print('fast', 'sim_rule_' + name)
        print('vm', 'kernel_rule_' + name)
    for name in sim_rule.findall(text):
        print('fast', 'sim_rule_' + name)
