import { Anchor, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import { sessionKey } from '../api/hooks';
import type { Session } from '../api/types';
import { checkEmail } from '../lib/constants';
import { showApiError } from '../lib/forms';
import { AuthLayout } from './AuthLayout';

export function SignUpPage() {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const form = useForm({
    initialValues: { name: '', email: '', password: '', workspaceName: '' },
    validate: {
      name: (v) => (!v.trim() ? 'Enter your name' : null),
      email: (v) => (!v.trim() ? 'Enter your email' : checkEmail(v)),
      password: (v) => (v.length < 10 ? 'Must be at least 10 characters' : null),
      workspaceName: (v) => (!v.trim() ? 'Name your workspace, e.g. your company' : null),
    },
  });

  const submit = form.onSubmit(async (values) => {
    try {
      const session = await api.post<Session>('/auth/signup', values);
      qc.clear();
      qc.setQueryData(sessionKey, session);
      navigate('/leads', { replace: true });
    } catch (e) {
      showApiError(e, form, { title: 'Could not sign up' });
    }
  });

  return (
    <AuthLayout
      title="Create your account"
      subtitle="Start a workspace for your sales team. It takes a minute."
      footer={
        <>
          Already have an account?{' '}
          <Anchor component={Link} to="/signin" fw={500}>
            Sign in
          </Anchor>
        </>
      }
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput label="Your name" autoComplete="name" autoFocus {...form.getInputProps('name')} />
          <TextInput label="Work email" type="email" autoComplete="email" {...form.getInputProps('email')} />
          <PasswordInput
            label="Password"
            description="At least 10 characters"
            autoComplete="new-password"
            {...form.getInputProps('password')}
          />
          <TextInput
            label="Workspace name"
            placeholder="Acme Inc."
            autoComplete="organization"
            {...form.getInputProps('workspaceName')}
          />
          <Button type="submit" fullWidth loading={form.submitting} mt="xs">
            Create account
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
