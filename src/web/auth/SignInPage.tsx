import { Alert, Anchor, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { ApiError, api } from '../api/client';
import { sessionKey } from '../api/hooks';
import type { Session } from '../api/types';
import { checkEmail } from '../lib/constants';
import { showApiError } from '../lib/forms';
import { AuthLayout } from './AuthLayout';

export function SignInPage() {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm({
    initialValues: { email: '', password: '' },
    validate: {
      email: (v) => (!v.trim() ? 'Enter your email' : checkEmail(v)),
      password: (v) => (!v ? 'Enter your password' : null),
    },
  });

  const submit = form.onSubmit(async (values) => {
    setFailure(null);
    try {
      const session = await api.post<Session>('/auth/login', values);
      qc.clear();
      qc.setQueryData(sessionKey, session);
      const from = (location.state as { from?: string } | null)?.from;
      navigate(from && from !== '/' ? from : '/leads', { replace: true });
    } catch (e) {
      if (e instanceof ApiError && e.errors.length === 0) setFailure(e.detail);
      else showApiError(e, form);
    }
  });

  return (
    <AuthLayout
      title="Sign in"
      subtitle="Welcome back. Sign in to your workspace."
      footer={
        <>
          New to Leadbase?{' '}
          <Anchor component={Link} to="/signup" fw={500}>
            Create an account
          </Anchor>
        </>
      }
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          {failure && (
            <Alert color="red" icon={<IconAlertCircle size={18} />} variant="light">
              {failure}
            </Alert>
          )}
          <TextInput
            label="Email"
            type="email"
            autoComplete="email"
            autoFocus
            {...form.getInputProps('email')}
          />
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            {...form.getInputProps('password')}
          />
          <Button type="submit" fullWidth loading={form.submitting} mt="xs">
            Sign in
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
