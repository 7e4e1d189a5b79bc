/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef EDU_PRIVATE_H
#define EDU_PRIVATE_H

/* QEMU's edu: what both the driver and its bus probe read (hw/misc/edu.c facts). */
#define EDU_REG_ID	0x00	/* 0xRRrr00ed */
#define EDU_ID_MAGIC	0xedu	/* its low byte */
#define EDU_ID_IS_EDU(id) (((id) & 0xffu) == EDU_ID_MAGIC)

#endif /* EDU_PRIVATE_H */
