/** The kinds of system under test the harness can drive (one adapter file each in this folder). */
export const TARGET_NAMES = ['authenticator', 'lakefs-sts', 'aws-sts', 'bearer-api', 'web-rp', 'device-cli'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/** Names a user may give on the command line for several targets at once (`--target sts=URL`). */
export const TARGET_ALIASES: Record<string, TargetName[]> = {
  sts: ['lakefs-sts', 'aws-sts'],
};
