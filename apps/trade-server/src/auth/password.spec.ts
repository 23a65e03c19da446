import { hashPassword, verifyPassword } from './password';

describe('password hashing (scrypt)', () => {
  it('verifies the right password only, with a fresh salt per hash', async () => {
    const first = await hashPassword('demo');
    const second = await hashPassword('demo');
    expect(first).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(first).not.toBe(second);
    expect(await verifyPassword('demo', first)).toBe(true);
    expect(await verifyPassword('Demo', first)).toBe(false);
    expect(await verifyPassword('', first)).toBe(false);
  });

  it('never matches a malformed hash', async () => {
    for (const stored of [
      '',
      'demo',
      'bcrypt$1$2$3$YQ==$YQ==',
      'scrypt$0$8$1$YQ==$YQ==',
      'scrypt$32768$8$1$YQ==$YQ==',
    ])
      expect(await verifyPassword('demo', stored)).toBe(false);
  });
});
