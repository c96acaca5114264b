import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseVersionsEnv, pinnedImage, VERSIONS_FILE } from '../../src/index.js';

describe('pinned images', () => {
  it('pins every image to an exact version tag, never latest', () => {
    const versions = parseVersionsEnv(readFileSync(VERSIONS_FILE, 'utf8'));
    const images = Object.entries(versions).filter(([key]) => key.endsWith('_IMAGE'));
    assert.ok(images.length >= 5);
    for (const [key, image] of images) {
      assert.match(
        image,
        /^[\w./-]+:v?\d+\.\d+(\.\d+)?(-[\w.-]+)?$/,
        `${key}=${image} is not an exact version`,
      );
    }
  });

  it('names the missing key when an image is not pinned', () => {
    assert.throws(() => pinnedImage('NOPE_IMAGE'), /NOPE_IMAGE is not pinned/);
  });

  it('rejects lines that are not KEY=VALUE', () => {
    assert.throws(() => parseVersionsEnv('JUST_A_WORD'), /not KEY=VALUE/);
  });
});
