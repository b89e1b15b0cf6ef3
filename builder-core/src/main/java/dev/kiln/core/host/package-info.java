/**
 * The host programs kiln starts for what the JDK cannot do (mount, umount, runc, getfattr,
 * setfattr, mknod, cp): {@link dev.kiln.core.host.HostCommand} runs one to completion with bounded
 * output capture and says, when it fails, which command, how, and what to install.
 */
package dev.kiln.core.host;
