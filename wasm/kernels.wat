;; Elementwise kernels of dfa in WebAssembly SIMD (f32x4), in place on linear memory.
;; Pointers are byte offsets (32-byte aligned); n counts floats and is a multiple of eight: the
;; caller (src/kernels.ts) does the last n mod 8 elements itself.
;; Build: deno task build:wasm (writes src/kernels_wasm.ts); a test checks the two agree.
(module
  (memory (export "memory") 1)

  ;; tanh is the [13/6] rational minimax approximation Eigen uses for float, clamped to ±7.905
  ;; (pmin/pmax: one instruction each on x86; NaN stays NaN). Constants live in locals, the
  ;; polynomials are evaluated by Estrin's scheme, and two vectors go through at a time, so that
  ;; the dependency chains overlap.

  ;; a ← tanh(a)
  (func (export "tanh") (param $p i32) (param $n i32)
    (local $end i32) (local $u v128) (local $v v128)
    (local $yu v128) (local $yu2 v128) (local $yu4 v128) (local $yv v128) (local $yv2 v128) (local $yv4 v128)
    (local $hi v128) (local $lo v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $a6 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local.set $hi (v128.const f32x4 7.90531110763549805 7.90531110763549805 7.90531110763549805 7.90531110763549805))
    (local.set $lo (v128.const f32x4 -7.90531110763549805 -7.90531110763549805 -7.90531110763549805 -7.90531110763549805))
    (local.set $a0 (v128.const f32x4 4.89352455891786e-3 4.89352455891786e-3 4.89352455891786e-3 4.89352455891786e-3))
    (local.set $a1 (v128.const f32x4 6.37261928875436e-4 6.37261928875436e-4 6.37261928875436e-4 6.37261928875436e-4))
    (local.set $a2 (v128.const f32x4 1.48572235717979e-5 1.48572235717979e-5 1.48572235717979e-5 1.48572235717979e-5))
    (local.set $a3 (v128.const f32x4 5.12229709037114e-8 5.12229709037114e-8 5.12229709037114e-8 5.12229709037114e-8))
    (local.set $a4 (v128.const f32x4 -8.60467152213735e-11 -8.60467152213735e-11 -8.60467152213735e-11 -8.60467152213735e-11))
    (local.set $a5 (v128.const f32x4 2.00018790482477e-13 2.00018790482477e-13 2.00018790482477e-13 2.00018790482477e-13))
    (local.set $a6 (v128.const f32x4 -2.76076847742355e-16 -2.76076847742355e-16 -2.76076847742355e-16 -2.76076847742355e-16))
    (local.set $b0 (v128.const f32x4 4.89352518554385e-3 4.89352518554385e-3 4.89352518554385e-3 4.89352518554385e-3))
    (local.set $b1 (v128.const f32x4 2.268434632439e-3 2.268434632439e-3 2.268434632439e-3 2.268434632439e-3))
    (local.set $b2 (v128.const f32x4 1.18534705686654e-4 1.18534705686654e-4 1.18534705686654e-4 1.18534705686654e-4))
    (local.set $b3 (v128.const f32x4 1.19825839466702e-6 1.19825839466702e-6 1.19825839466702e-6 1.19825839466702e-6))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $u (v128.load (local.get $p)))
        (local.set $v (v128.load offset=16 (local.get $p)))
        (local.set $u (f32x4.pmax (f32x4.pmin (local.get $u) (local.get $hi)) (local.get $lo)))
        (local.set $yu (f32x4.mul (local.get $u) (local.get $u)))
        (local.set $yu2 (f32x4.mul (local.get $yu) (local.get $yu)))
        (local.set $yu4 (f32x4.mul (local.get $yu2) (local.get $yu2)))
        (local.set $u
          (f32x4.div
            (f32x4.mul (local.get $u)
              (f32x4.add
                (f32x4.add (f32x4.relaxed_madd (local.get $yu) (local.get $a1) (local.get $a0)) (f32x4.mul (local.get $yu2) (f32x4.relaxed_madd (local.get $yu) (local.get $a3) (local.get $a2))))
                (f32x4.mul (local.get $yu4)
                  (f32x4.add (f32x4.relaxed_madd (local.get $yu) (local.get $a5) (local.get $a4)) (f32x4.mul (local.get $yu2) (local.get $a6))))))
            (f32x4.add (f32x4.relaxed_madd (local.get $yu) (local.get $b1) (local.get $b0)) (f32x4.mul (local.get $yu2) (f32x4.relaxed_madd (local.get $yu) (local.get $b3) (local.get $b2))))))
        (local.set $v (f32x4.pmax (f32x4.pmin (local.get $v) (local.get $hi)) (local.get $lo)))
        (local.set $yv (f32x4.mul (local.get $v) (local.get $v)))
        (local.set $yv2 (f32x4.mul (local.get $yv) (local.get $yv)))
        (local.set $yv4 (f32x4.mul (local.get $yv2) (local.get $yv2)))
        (local.set $v
          (f32x4.div
            (f32x4.mul (local.get $v)
              (f32x4.add
                (f32x4.add (f32x4.relaxed_madd (local.get $yv) (local.get $a1) (local.get $a0)) (f32x4.mul (local.get $yv2) (f32x4.relaxed_madd (local.get $yv) (local.get $a3) (local.get $a2))))
                (f32x4.mul (local.get $yv4)
                  (f32x4.add (f32x4.relaxed_madd (local.get $yv) (local.get $a5) (local.get $a4)) (f32x4.mul (local.get $yv2) (local.get $a6))))))
            (f32x4.add (f32x4.relaxed_madd (local.get $yv) (local.get $b1) (local.get $b0)) (f32x4.mul (local.get $yv2) (f32x4.relaxed_madd (local.get $yv) (local.get $b3) (local.get $b2))))))
        (v128.store (local.get $p) (local.get $u))
        (v128.store offset=16 (local.get $p) (local.get $v))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (br $next))))

  ;; a ← σ(a) = ½ + ½·tanh(a/2)
  (func (export "sigmoid") (param $p i32) (param $n i32)
    (local $end i32) (local $u v128) (local $v v128) (local $half v128)
    (local $yu v128) (local $yu2 v128) (local $yu4 v128) (local $yv v128) (local $yv2 v128) (local $yv4 v128)
    (local $hi v128) (local $lo v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $a6 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local.set $hi (v128.const f32x4 7.90531110763549805 7.90531110763549805 7.90531110763549805 7.90531110763549805))
    (local.set $lo (v128.const f32x4 -7.90531110763549805 -7.90531110763549805 -7.90531110763549805 -7.90531110763549805))
    (local.set $a0 (v128.const f32x4 4.89352455891786e-3 4.89352455891786e-3 4.89352455891786e-3 4.89352455891786e-3))
    (local.set $a1 (v128.const f32x4 6.37261928875436e-4 6.37261928875436e-4 6.37261928875436e-4 6.37261928875436e-4))
    (local.set $a2 (v128.const f32x4 1.48572235717979e-5 1.48572235717979e-5 1.48572235717979e-5 1.48572235717979e-5))
    (local.set $a3 (v128.const f32x4 5.12229709037114e-8 5.12229709037114e-8 5.12229709037114e-8 5.12229709037114e-8))
    (local.set $a4 (v128.const f32x4 -8.60467152213735e-11 -8.60467152213735e-11 -8.60467152213735e-11 -8.60467152213735e-11))
    (local.set $a5 (v128.const f32x4 2.00018790482477e-13 2.00018790482477e-13 2.00018790482477e-13 2.00018790482477e-13))
    (local.set $a6 (v128.const f32x4 -2.76076847742355e-16 -2.76076847742355e-16 -2.76076847742355e-16 -2.76076847742355e-16))
    (local.set $b0 (v128.const f32x4 4.89352518554385e-3 4.89352518554385e-3 4.89352518554385e-3 4.89352518554385e-3))
    (local.set $b1 (v128.const f32x4 2.268434632439e-3 2.268434632439e-3 2.268434632439e-3 2.268434632439e-3))
    (local.set $b2 (v128.const f32x4 1.18534705686654e-4 1.18534705686654e-4 1.18534705686654e-4 1.18534705686654e-4))
    (local.set $b3 (v128.const f32x4 1.19825839466702e-6 1.19825839466702e-6 1.19825839466702e-6 1.19825839466702e-6))
    (local.set $half (v128.const f32x4 0.5 0.5 0.5 0.5))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $u (f32x4.mul (local.get $half) (v128.load (local.get $p))))
        (local.set $v (f32x4.mul (local.get $half) (v128.load offset=16 (local.get $p))))
        (local.set $u (f32x4.pmax (f32x4.pmin (local.get $u) (local.get $hi)) (local.get $lo)))
        (local.set $yu (f32x4.mul (local.get $u) (local.get $u)))
        (local.set $yu2 (f32x4.mul (local.get $yu) (local.get $yu)))
        (local.set $yu4 (f32x4.mul (local.get $yu2) (local.get $yu2)))
        (local.set $u
          (f32x4.div
            (f32x4.mul (local.get $u)
              (f32x4.add
                (f32x4.add (f32x4.relaxed_madd (local.get $yu) (local.get $a1) (local.get $a0)) (f32x4.mul (local.get $yu2) (f32x4.relaxed_madd (local.get $yu) (local.get $a3) (local.get $a2))))
                (f32x4.mul (local.get $yu4)
                  (f32x4.add (f32x4.relaxed_madd (local.get $yu) (local.get $a5) (local.get $a4)) (f32x4.mul (local.get $yu2) (local.get $a6))))))
            (f32x4.add (f32x4.relaxed_madd (local.get $yu) (local.get $b1) (local.get $b0)) (f32x4.mul (local.get $yu2) (f32x4.relaxed_madd (local.get $yu) (local.get $b3) (local.get $b2))))))
        (local.set $v (f32x4.pmax (f32x4.pmin (local.get $v) (local.get $hi)) (local.get $lo)))
        (local.set $yv (f32x4.mul (local.get $v) (local.get $v)))
        (local.set $yv2 (f32x4.mul (local.get $yv) (local.get $yv)))
        (local.set $yv4 (f32x4.mul (local.get $yv2) (local.get $yv2)))
        (local.set $v
          (f32x4.div
            (f32x4.mul (local.get $v)
              (f32x4.add
                (f32x4.add (f32x4.relaxed_madd (local.get $yv) (local.get $a1) (local.get $a0)) (f32x4.mul (local.get $yv2) (f32x4.relaxed_madd (local.get $yv) (local.get $a3) (local.get $a2))))
                (f32x4.mul (local.get $yv4)
                  (f32x4.add (f32x4.relaxed_madd (local.get $yv) (local.get $a5) (local.get $a4)) (f32x4.mul (local.get $yv2) (local.get $a6))))))
            (f32x4.add (f32x4.relaxed_madd (local.get $yv) (local.get $b1) (local.get $b0)) (f32x4.mul (local.get $yv2) (f32x4.relaxed_madd (local.get $yv) (local.get $b3) (local.get $b2))))))
        (v128.store (local.get $p) (f32x4.add (local.get $half) (f32x4.mul (local.get $half) (local.get $u))))
        (v128.store offset=16 (local.get $p) (f32x4.add (local.get $half) (f32x4.mul (local.get $half) (local.get $v))))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (br $next))))

  ;; a ← max(a, 0)
  (func (export "relu") (param $p i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (v128.store (local.get $p) (f32x4.pmax (v128.const f32x4 0 0 0 0) (v128.load (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $next))))

  ;; g ← g ⊙ (1 − h²)
  (func (export "tanh_grad") (param $h i32) (param $g i32) (param $n i32)
    (local $end i32)
    (local $v v128)
    (local.set $end (i32.add (local.get $g) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $g) (local.get $end)))
        (local.set $v (v128.load (local.get $h)))
        (v128.store (local.get $g)
          (f32x4.mul (v128.load (local.get $g))
            (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $v) (local.get $v)))))
        (local.set $h (i32.add (local.get $h) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (br $next))))

  ;; g ← g ⊙ h(1 − h)
  (func (export "sigmoid_grad") (param $h i32) (param $g i32) (param $n i32)
    (local $end i32)
    (local $v v128)
    (local.set $end (i32.add (local.get $g) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $g) (local.get $end)))
        (local.set $v (v128.load (local.get $h)))
        (v128.store (local.get $g)
          (f32x4.mul (v128.load (local.get $g))
            (f32x4.mul (local.get $v) (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $v)))))
        (local.set $h (i32.add (local.get $h) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (br $next))))

  ;; g ← g where h > 0, else 0
  (func (export "relu_grad") (param $h i32) (param $g i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $g) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $g) (local.get $end)))
        (v128.store (local.get $g)
          (v128.and (v128.load (local.get $g))
            (f32x4.gt (v128.load (local.get $h)) (v128.const f32x4 0 0 0 0))))
        (local.set $h (i32.add (local.get $h) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (br $next))))
)
