#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The PDK authors
"""
Generate the NULL-argument test of every function of PDK's installed headers.

The headers are the ones meson installs into <includedir>/pdk (read from
meson-info/intro-installed.json), so a header or a function added to the
install fails the build here until it is covered. Every non-inline
prototype is parsed; for each function and each of its pointer parameters
one call is emitted with NULL there and a valid fixture value (FIXTURES
below, the objects of argcheck_fixture.c) everywhere else. A parameter
whose type has no fixture stops the generation with the function's name.

What each call must do comes from argcheck-expect.txt (exceptions, one line
per function or parameter with the reason); by default a function that
returns an int (or ssize_t) must return -EINVAL, any other one its neutral
value (0, NULL, "", false, nothing for void); both must log an ERR line.

Usage: gen-argcheck.py INSTALLED_JSON INCLUDEDIR EXPECT OUT.c DEPFILE
"""
import json
import os
import re
import sys

# ---- fixtures: the valid value of a parameter, looked up as
#      "function:param", then "type param", then "type" ----
# "@local" declares a zeroed local of the pointed-to type and passes its
# address (an output pointer).
FIXTURES = {
    # objects (argcheck_fixture.c builds them on a fresh sim in each child)
    'struct pdk_sys *': 'fx->sys',
    'const struct pdk_sys *': 'fx->sys',
    'struct pdk_sim *': 'fx->sim',
    'struct pdk_sim_fn *': 'fx->fn',
    'struct pdk_sim_bar *': 'fx->bar',
    'struct pdk_iommufd *': 'fx->ictx',
    'const struct pdk_iommufd *': 'fx->ictx',
    'struct pdk_vfio_dev *': 'fx->dev',
    'const struct pdk_vfio_dev *': 'fx->dev',
    'struct pdk_dma_as *': 'fx->as',
    'const struct pdk_dma_as *': 'fx->as',
    'struct pdk_pasid_space *': 'fx->space',
    'const struct pdk_pasid_space *': 'fx->space',
    'struct pdk_pasid_ctx *': 'fx->pctx',
    'const struct pdk_pasid_ctx *': 'fx->pctx',
    'struct pdk_pcicfg *': 'fx->pcicfg',
    'const struct pdk_pcicfg *': 'fx->pcicfg',
    'const struct pdk_pcicfg_layout *': 'fx->layout',
    'const struct pdk_pcicfg_place *': '&fx->place',
    'struct pdk_bus *': 'fx->bus',
    'const struct pdk_bus *': 'fx->bus',
    'struct pdk_bus_dev *': 'fx->bdev',
    'const struct pdk_bus_dev *': 'fx->bdev',
    'struct pdk_bus_driver *': '&fx->drv',
    'FILE *': 'fx->out',
    # inputs
    'const struct pdk_sim_config *': '&fx->sim_cfg',
    'const struct pdk_sim_fn_config *': '&fx->fn_cfg',
    'const struct pdk_dmadev_conf *': '&fx->dconf',
    'const struct pdk_dmadev_queue_conf *': '&fx->qconf',
    'const struct pdk_dmadev_ops *': '&fx->ops',
    'const struct pdk_dmadev_fp_ops *': '&fx->fp_ops',
    'const struct pdk_dma_skeleton_conf *': '&fx->skel_conf',
    'pdk_log_sink_t': 'argcheck_sink_nop',
    'pdk_sys_dir_cb_t': 'argcheck_dir_cb',
    'const char *path': 'fx->path',
    'const char *pci_addr': 'fx->pci_addr',
    'const char *device': 'fx->pci_addr',
    'const char *in': 'fx->pci_addr',
    'const char *attr': '"vendor"',
    'const char *value': '"argcheck"',
    'const char *s': '"argcheck"',
    'const char *component': '"argcheck"',
    'const char *fmt': '"argcheck"',
    'const char *step_fmt': '"argcheck"',
    'const char *object': '"argcheck"',
    'const char *fix': '"argcheck"',
    'pdk_log_fail:int rc': '-EIO',
    'pdk_log_null:const void *p': 'fx',
    'const char *name': 'fx->name',
    'const char *op': '"argcheck"',
    'const char *driver': '"argcheck"',
    'const char *key': '"argcheck"',
    'const char *devargs': 'fx->pci_addr',
    'const char *sysfs_root': '"/nonexistent-argcheck"',
    'pdk_dma_map:void *va': 'fx->va_free',
    'pdk_dma_map_iova:void *va': 'fx->va_free',
    'pdk_iommufd_map:void *va': 'fx->va_free',
    'pdk_iommufd_map_fixed:void *va': 'fx->va_free',
    'pdk_dma_unmap:void *va': 'fx->va_mapped',
    'pdk_dma_as_fault_region:void *va': 'fx->va_free',
    'pdk_dma_fault_cb': 'pdk_dma_fault_map_on_demand',
    'const struct pdk_dma_fault *': '@local',
    'struct pdk_dma_fault_stats *': '@local',
    'const void *va': 'fx->va_mapped',
    'pdk_sys_munmap:void *addr': 'fx->va_free',
    'void *buf': 'fx->buf',
    'const void *buf': 'fx->buf',
    'char *buf': 'fx->text',
    'char *path': 'fx->text',
    'char *pci_addr': 'fx->text',
    'char *out': 'fx->text',
    'void *arg': 'NULL',
    'void *priv': 'fx',
    'void *dev': 'fx',
    'uint32_t *pasids': 'fx->pasids',
    'struct iommu_hwpt_pgfault *': 'fx->faults',
    # outputs
    'uint32_t *': '@local', 'uint64_t *': '@local', 'uint16_t *': '@local',
    'int *': '@local', 'unsigned int *': '@local', 'size_t *': '@local', 'bool *': '@local',
    'void **': '@local', 'void **old_arg': '@local', 'pdk_log_sink_t *': '@local',
    'const int **': '@local', 'const char **': '@local',
    'const struct pdk_sys_backend *': '&fx->backend',
    'struct pdk_sim **': '@local', 'struct pdk_sim_fn **': '@local',
    'struct pdk_sim_bar **': '@local',
    'struct pdk_sys **': '@local', 'struct pdk_iommufd **': '@local',
    'struct pdk_vfio_dev **': '@local', 'struct pdk_dma_as **': '@local',
    'struct pdk_pasid_space **': '@local', 'struct pdk_pasid_ctx **': '@local',
    'struct pdk_bus **': '@local', 'struct pdk_edu **': '@local',
    'struct pdk_iommufd_range **': '@local',
    'struct pdk_pcicfg **': '@local', 'struct pdk_pcicfg_layout **': '@local',
    'struct pdk_pcicfg_place *': '@local', 'struct pdk_pcicfg_pasid_cap *': '@local',
    'struct pdk_pcicfg_pasid_facts *': '@local',
    'struct pdk_sim_fault *': '@local', 'struct pdk_sim_stats *': '@local',
    'struct pdk_sim_dsa_stats *': '@local', 'struct pdk_iommufd_hw_info *': '@local',
    'struct pdk_vfio_region *': '@local', 'struct pdk_dmadev_info *': '@local',
    'struct pdk_dmadev_queue_info *': '@local', 'struct pdk_dmadev_stats *': '@local',
    'struct pdk_sys_mmio *': '@local', 'struct pdk_vfio_portal *': '@local',
    # scalars
    'int fd': 'fx->fd',
    'int fault_fd': 'fx->fault_fd',
    'int dev_id': 'fx->dmadev_id',
    'int start': '0',
    'int flags': 'O_RDONLY',
    'int prot': 'PROT_READ',
    'short events': 'POLLIN',
    'int err': 'EIO',
    'pdk_sys_ioctl:unsigned long request': 'IOMMU_IOAS_ALLOC',
    'pdk_sys_ioctl:int fd': 'fx->ifd',
    'pdk_sys_mmap:int fd': 'fx->dfd',
    'pdk_sim_trigger_iopf:int iommufd': 'fx->ifd',
    'uint32_t grpid': '0',
    'uint32_t perm': '0',
    'uint64_t addr': '0',
    'pdk_sys_mmap:uint64_t offset': 'fx->bar0_offset',
    'pdk_sim_bar_get:uint64_t offset': 'fx->bar0_offset',
    'pdk_sim_bar_get:size_t len': '4096',
    'uint64_t off': '0',
    'unsigned int width': '4',
    'void *val': 'fx->buf',
    'const void *val': 'fx->buf',
    'size_t len': 'ARGCHECK_LEN',
    'uint64_t len': 'ARGCHECK_LEN',
    'uint64_t offset': '0',
    'uint64_t iova': 'fx->iova_free',
    'pdk_iommufd_unmap:uint64_t iova': 'fx->iova_mapped',
    'pdk_sim_fn_dma:uint64_t iova': 'fx->iova_mapped',
    'uint64_t nth': '0',
    'uint64_t pattern': '0',
    'uint32_t dev_id': 'fx->dev_id',
    'uint32_t ioas_id': 'fx->ioas_id',
    'uint32_t pt_id': 'fx->ioas_id',
    'pdk_vfio_attach:uint32_t pt_id': 'fx->hwpt_id',  # a PASID is attached: a PASID-compatible HWPT
    'uint32_t hwpt_id': 'fx->hwpt_id',
    'uint32_t id': 'fx->ioas_id',
    'uint32_t flags': '0',
    'uint32_t fault_id': '0',
    'uint32_t pasid': 'fx->pasid',
    'pdk_pasid_ctx_create:uint32_t pasid': '0',
    'pdk_vfio_pasid_attach:uint32_t pasid': 'fx->free_pasid',
    'pdk_pasid_reserve:uint32_t pasid': 'fx->free_pasid',
    'pdk_dmadev_pasid_reserve:uint32_t pasid': 'fx->free_pasid',
    'uint32_t cookie': '0',
    'uint32_t code': '0',
    'uint32_t data_type': '0',
    'uint32_t index': '0',
    'uint32_t def': '1',
    'uint32_t min': '0',
    'uint32_t max': '8',
    'unsigned int max': 'ARGCHECK_NPASIDS',
    'unsigned int pages': '1',
    'pdk_iommufd_fault_read:unsigned int max': 'ARGCHECK_NFAULTS',
    'unsigned int perm': 'PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE',
    'unsigned int bar': '0',
    'unsigned int nvec': '1',
    'unsigned int i': '0',
    'unsigned int ms': '0',
    'unsigned int reset_type': '0',
    'uint8_t hw_status': '0',
    'uint16_t q': '0',
    'uint16_t offset': '0x100',
    'uint16_t length': '4',
    'uint16_t id': '0',
    'uint16_t user_offset': '0x100',
    'enum pdk_pcicfg_list list': 'PDK_PCICFG_CAPS',
    'enum pdk_pcicfg_space space': 'PDK_PCICFG_EXT',
    'enum pdk_pcicfg_policy policy': 'PDK_PCICFG_PLACE_END',
    'const char *source': '"argcheck"',
    'const char *text': '"argcheck"',
    'char *report': 'fx->text',
    'uint16_t set': '0',
    'uint16_t clear': '0',
    'bool pasid_valid': 'false',
    'bool to_memory': 'false',
    'bool null_arg': 'false',
    'enum pdk_log_level level': 'PDK_LOG_WARNING',  # so that only a complaint is an ERR line
    'enum pdk_dmadev_status_code code': 'PDK_DMADEV_ST_SUCCESS',
    'enum pdk_dma_iova_mode mode': 'PDK_DMA_IOVA_VA',
}

DEFAULT_INT_TYPES = ('int', 'ssize_t', 'long')


def die(msg):
    sys.stderr.write('gen-argcheck: ' + msg + '\n')
    sys.exit(1)


def strip_comments(text):
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    return re.sub(r'//[^\n]*', ' ', text)


def strip_preprocessor(text):
    """Drop directives (and #define continuations) and what C++ alone sees."""
    out = []
    skip = []  # stack: True where lines are dropped
    lines = text.split('\n')
    i = 0
    while i < len(lines):
        line = lines[i]
        s = line.strip()
        if s.startswith('#'):
            while line.endswith('\\') and i + 1 < len(lines):
                i += 1
                line = lines[i]
            d = s[1:].strip()
            if d.startswith('ifdef __cplusplus') or d.startswith('if defined(__cplusplus)'):
                skip.append(True)
            elif d.startswith('if'):
                skip.append(False)
            elif d.startswith('else') or d.startswith('elif'):
                if skip and skip[-1]:
                    skip[-1] = False
            elif d.startswith('endif'):
                if skip:
                    skip.pop()
            i += 1
            continue
        if not any(skip):
            out.append(line)
        i += 1
    return '\n'.join(out)


def strip_attributes(s):
    while True:
        m = re.search(r'__attribute__\s*\(\(', s)
        if not m:
            return s
        depth = 0
        j = m.start() + len('__attribute__')
        while j < len(s):
            if s[j] == '(':
                depth += 1
            elif s[j] == ')':
                depth -= 1
                if depth == 0:
                    break
            j += 1
        s = s[:m.start()] + s[j + 1:]


def statements(text):
    """Top-level declarations, with brace blocks removed; (text, had_body)."""
    out = []
    cur = ''
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == '{':
            depth = 1
            j = i + 1
            while j < n and depth:
                if text[j] == '{':
                    depth += 1
                elif text[j] == '}':
                    depth -= 1
                j += 1
            head = cur.strip()
            if re.search(r'\)\s*$', head):
                out.append((head, True))   # a function body (static inline)
                cur = ''
            else:
                cur += ' {} '              # struct/enum/union body
            i = j
            continue
        if c == ';':
            out.append((cur.strip(), False))
            cur = ''
        else:
            cur += c
        i += 1
    return out


def norm_type(t):
    t = re.sub(r'\s+', ' ', t).strip()
    t = re.sub(r'\s*\*\s*', ' *', t)
    t = t.replace('* *', '**').replace('* *', '**')
    return t.strip()


def parse_param(p):
    p = re.sub(r'\s+', ' ', p).strip()
    if p in ('void', ''):
        return None
    if p == '...':
        return {'type': '...', 'name': None}
    m = re.match(r'^(.*?)(\w+)\s*(\[[^\]]*\])?$', p)
    if not m:
        die('cannot parse parameter "%s"' % p)
    t, name, arr = m.group(1), m.group(2), m.group(3)
    t = norm_type(t)
    if arr:
        t = norm_type(t + ' *')
    return {'type': t, 'name': name, 'decl': p}


def split_params(s):
    parts, depth, cur = [], 0, ''
    for c in s:
        if c == '(':
            depth += 1
        elif c == ')':
            depth -= 1
        if c == ',' and depth == 0:
            parts.append(cur)
            cur = ''
        else:
            cur += c
    parts.append(cur)
    return parts


def parse_header(path, funcs, fptr_types):
    with open(path, encoding='utf-8') as f:
        text = f.read()
    text = strip_preprocessor(strip_comments(text))
    for st, had_body in statements(text):
        st = strip_attributes(re.sub(r'\s+', ' ', st)).strip()
        if not st or had_body:
            continue      # static inline: the fast path, not enumerated here
        m = re.match(r'^typedef .*\(\s*\*\s*(\w+)\s*\)\s*\(.*\)$', st)
        if m:
            fptr_types.add(m.group(1))
            continue
        if st.startswith('typedef') or st.startswith('extern ') or '(' not in st:
            continue
        m = re.match(r'^(.*?)\b(\w+)\s*\((.*)\)$', st)
        if not m:
            continue
        ret, name, params = norm_type(m.group(1)), m.group(2), m.group(3)
        if ret.startswith('static'):
            continue
        plist = [q for q in (parse_param(p) for p in split_params(params)) if q is not None]
        funcs.append({'name': name, 'ret': ret, 'params': plist,
                      'header': os.path.basename(path)})


def is_pointer(t, fptr_types):
    return '*' in t or t in fptr_types


def decl(t, name):
    return t + name if t.endswith('*') else '%s %s' % (t, name)


def fixture(func, p):
    d = decl(p['type'], p['name'])
    for key in ('%s:%s' % (func, d), '%s:%s' % (func, p['name']), d, p['type']):
        if key in FIXTURES:
            return FIXTURES[key]
    return None


def read_expect(path):
    exp = {}
    with open(path, encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            parts = line.split(None, 2)
            if len(parts) < 3:
                die('%s:%d: want "function[:param] kind reason"' % (path, lineno))
            key, kind, reason = parts
            k = kind.split('=', 1)
            if k[0] not in ('einval', 'neutral', 'value', 'noop', 'optional', 'kernel',
                            'fastpath'):
                die('%s:%d: unknown kind "%s"' % (path, lineno, kind))
            if key in exp:
                die('%s:%d: %s listed twice' % (path, lineno, key))
            exp[key] = {'kind': k[0], 'value': k[1] if len(k) > 1 else None,
                        'reason': reason, 'line': lineno, 'used': False}
    return exp


def ret_class(ret):
    if ret == 'void':
        return 'void'
    if ret in DEFAULT_INT_TYPES:
        return 'int'
    if '*' in ret:
        return 'ptr'
    return 'scalar'


def c_str(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


def main():
    if len(sys.argv) != 6:
        die('usage: gen-argcheck.py INSTALLED_JSON INCLUDEDIR EXPECT OUT.c DEPFILE')
    installed_json, includedir, expect_path, out_path, dep_path = sys.argv[1:]
    with open(installed_json, encoding='utf-8') as f:
        installed = json.load(f)
    incdir = os.path.normpath(includedir)
    headers = sorted(src for src, dst in installed.items()
                     if os.path.dirname(os.path.normpath(dst)) == incdir and dst.endswith('.h'))
    if not headers:
        die('no header is installed into %s (read from %s)' % (incdir, installed_json))

    funcs, fptr_types = [], set()
    for h in headers:
        parse_header(h, funcs, fptr_types)
    exp = read_expect(expect_path)
    names = set(f['name'] for f in funcs)

    cases = []   # C source of each case
    table = []   # (func, param index or -1, ...) entries
    missing = []
    nptr = 0
    for fn in funcs:
        ptrs = [i for i, p in enumerate(fn['params'])
                if p['type'] != '...' and is_pointer(p['type'], fptr_types)]
        nptr += len(ptrs)
        fexp = exp.get(fn['name'])
        if fexp:
            fexp['used'] = True
        for i in ptrs:
            p = fn['params'][i]
            e = exp.get('%s:%s' % (fn['name'], p['name'])) or fexp
            if e is not None:
                e['used'] = True
                kind, value, reason = e['kind'], e['value'], e['reason']
            else:
                kind, value, reason = 'default', None, ''
            rc = ret_class(fn['ret'])
            if kind == 'default':
                kind = 'einval' if rc == 'int' else 'neutral'
            if kind == 'einval' and rc != 'int':
                die('%s: "einval" for a function returning %s' % (fn['name'], fn['ret']))
            decls, args = [], []
            va_wrapper = None
            for j, q in enumerate(fn['params']):
                if q['type'] == '...':
                    continue
                if q['type'] == 'va_list':
                    va_wrapper = j
                    continue
                if j == i:
                    args.append('NULL')
                    continue
                fx = fixture(fn['name'], q)
                if fx is None:
                    missing.append('%s(): parameter "%s" (%s) has no fixture'
                                   % (fn['name'], q['decl'], q['type']))
                    fx = '0'
                if fx == '@local':
                    base = q['type'][:-1].rstrip() if q['type'].endswith('*') else None
                    if base is None or base == 'void':
                        if q['type'] == 'void **':
                            base = 'void *'
                        else:
                            missing.append('%s(): "%s" cannot be a local' % (fn['name'], q['decl']))
                            base = 'int'
                    decls.append('\t%s lv%d = {0};' % (base, j))
                    fx = '&lv%d' % j
                args.append(fx)
            callee = fn['name']
            if va_wrapper is not None:
                callee = 'argcheck_va_' + fn['name']
            idx = len(cases)
            body = ['static void', 'case_%d(struct argcheck_fx *fx, struct argcheck_result *r)' % idx, '{']
            body += decls
            body.append('\t(void)fx;')
            call = '%s(%s)' % (callee, ', '.join(args))
            if rc == 'void':
                body.append('\targcheck_begin(r);')
                body.append('\t%s;' % call)
                body.append('\targcheck_end(r);')
            elif rc == 'ptr':
                body.append('\targcheck_begin(r);')
                body.append('\tconst void *v = (const void *)%s;' % call)
                body.append('\targcheck_end(r);')
                body.append('\tr->has_value = true; r->is_ptr = true; r->value = v != NULL;')
                if fn['ret'].replace('const ', '') == 'char *':
                    body.append('\tr->is_empty_str = v != NULL && *(const char *)v == 0;')
                if value is not None:
                    body.append("\tr->has_want = true; r->want = (long long)((const void *)(%s) == v);" % value)
            else:
                # int, and every other scalar return, compared as a long long
                body.append('\targcheck_begin(r);')
                body.append('\tlong long v = (long long)%s;' % call)
                body.append('\targcheck_end(r);')
                body.append('\tr->has_value = true; r->value = v;')
                if value is not None:
                    body.append("\tr->has_want = true; r->want = (long long)(%s);" % value)
            body.append('}')
            if va_wrapper is not None:
                fn['va_wrapper'] = va_wrapper
            cases.append('\n'.join(body))
            table.append('\t{ %s, %s, %s, %s, %s, %s, %s, case_%d },' % (
                c_str(fn['name']), c_str(p['name']), c_str(fn['header']),
                'ARGCHECK_' + kind.upper(), 'true' if value is not None else 'false',
                c_str(reason), c_str(rc), idx))

    unused = ['%s (line %d)' % (k, e['line']) for k, e in exp.items() if not e['used']]
    if unused:
        die('%s: entries for no function or pointer parameter of the installed headers: %s'
            % (expect_path, ', '.join(unused)))
    if missing:
        die('no fixture for:\n  ' + '\n  '.join(sorted(set(missing))) +
            '\nadd one to FIXTURES in gen-argcheck.py (and the object to argcheck.c)')

    with open(out_path, 'w', encoding='utf-8') as f:
        f.write('/* Generated by test/argcheck/gen-argcheck.py from the installed headers: do not edit. */\n')
        f.write('#pragma GCC diagnostic ignored "-Wnonnull"\n')
        f.write('#pragma GCC diagnostic ignored "-Wformat"\n')
        f.write('#pragma GCC diagnostic ignored "-Wformat-security"\n')
        f.write('#pragma GCC diagnostic ignored "-Wformat-zero-length"\n')
        f.write('#include "argcheck.h"\n')
        for h in headers:
            f.write('#include "%s"\n' % os.path.basename(h))
        f.write('\n')
        for fn in funcs:
            if 'va_wrapper' not in fn:
                continue
            j = fn['va_wrapper']
            named = [q for q in fn['params'][:j]]
            rest = fn['params'][j + 1:]
            if rest or not named:
                die('%s: a va_list must be the last parameter' % fn['name'])
            decl = ', '.join('%s %s' % (q['type'], q['name']) if not q['type'].endswith('*')
                             else '%s%s' % (q['type'], q['name']) for q in named)
            f.write('static %s\nargcheck_va_%s(%s, ...)\n{\n\tva_list ap;\n' % (fn['ret'], fn['name'], decl))
            f.write('\tva_start(ap, %s);\n' % named[-1]['name'])
            call = '%s(%s, ap)' % (fn['name'], ', '.join(q['name'] for q in named))
            if fn['ret'] == 'void':
                f.write('\t%s;\n\tva_end(ap);\n}\n\n' % call)
            else:
                f.write('\t%s r = %s;\n\tva_end(ap);\n\treturn r;\n}\n\n' % (fn['ret'], call))
        f.write('\n\n'.join(cases))
        f.write('\n\nconst struct argcheck_case argcheck_cases[] = {\n')
        f.write('\n'.join(table))
        f.write('\n};\n')
        f.write('const unsigned int argcheck_ncases = %d;\n' % len(table))
        f.write('const unsigned int argcheck_nfuncs = %d;\n' % len(funcs))
        f.write('const unsigned int argcheck_nptrs = %d;\n' % nptr)
        f.write('const char *const argcheck_funcs[] = {\n%s\n};\n' %
                '\n'.join('\t%s,' % c_str(fn['name']) for fn in funcs))
    with open(dep_path, 'w', encoding='utf-8') as f:
        deps = [installed_json, expect_path, os.path.abspath(__file__)] + headers
        f.write('%s: %s\n' % (out_path, ' '.join(d.replace(' ', '\\ ') for d in deps)))


if __name__ == '__main__':
    main()
